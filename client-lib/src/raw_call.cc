// Client::CallRaw: any unary RPC by name, on the typed calls' channel (so
// the service config's per-method timeout and retry policy apply, by the
// method's path) and through the same Impl::Call (deadline, token,
// renewal, error details).

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "client-lib/src/client_impl.h"
#include "client-lib/src/request_id.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"

namespace pumpurs::client {
namespace {

namespace pb = ::google::protobuf;

// Names a message of every file that declares a service, so that the
// linker keeps those files' generated code (and with it their descriptors
// in the generated pool) even in a program that uses no typed call of that
// service.
const pb::Descriptor* const* ServiceFiles() {
  static const pb::Descriptor* const kFiles[] = {
      grpc::health::v1::HealthCheckRequest::descriptor(),
      v1::PingRequest::descriptor(),
      v1::Municipality::descriptor(),
      v1::RoleBinding::descriptor(),
      v1::AuditEvent::descriptor(),
      v1::LocalizedText::descriptor(),
      v1::Semester::descriptor(),
      v1::Criterion::descriptor(),
      v1::Change::descriptor(),
      v1::AnswerOption::descriptor(),
      v1::TrainingEvent::descriptor(),
      v1::StatisticsPeriod::descriptor(),
      nullptr,
  };
  return kFiles;
}

// "/pkg.Service/Method" -> its descriptor, or nullptr.
const pb::MethodDescriptor* FindMethod(absl::string_view path) {
  ServiceFiles();
  if (!absl::ConsumePrefix(&path, "/")) return nullptr;
  const size_t slash = path.find('/');
  if (slash == absl::string_view::npos || slash == 0 ||
      slash + 1 == path.size()) {
    return nullptr;
  }
  return pb::DescriptorPool::generated_pool()->FindMethodByName(
      absl::StrCat(path.substr(0, slash), ".", path.substr(slash + 1)));
}

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> Client::CallRaw(absl::string_view method,
                                            absl::string_view request,
                                            const CallOptions& options) const {
  const pb::MethodDescriptor* descriptor = FindMethod(method);
  if (descriptor == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown method \"", method,
                     "\"; expected \"/pumpurs.v1.Service/Method\""));
  }
  if (descriptor->client_streaming() || descriptor->server_streaming()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CallRaw makes unary calls only; ", method, " streams"));
  }
  // Parsed as the generated class (the generated factory knows it): a
  // request that is not of the method's type fails here, not on the server.
  const pb::Descriptor* input = descriptor->input_type();
  std::unique_ptr<pb::Message> message(
      pb::MessageFactory::generated_factory()->GetPrototype(input)->New());
  if (!message->ParseFromArray(request.data(),
                               static_cast<int>(request.size()))) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request does not parse as ", input->full_name()));
  }
  std::string bytes(request);
  // A create's request_id, as the typed calls fill it: random when empty,
  // so a retried create cannot create twice.
  const pb::FieldDescriptor* id = input->FindFieldByName("request_id");
  if (id != nullptr && id->type() == pb::FieldDescriptor::TYPE_STRING &&
      !id->is_repeated() &&
      message->GetReflection()->GetString(*message, id).empty()) {
    message->GetReflection()->SetString(message.get(), id,
                                        internal::NewRequestId());
    bytes.clear();
    if (!message->SerializeToString(&bytes)) {
      return absl::InternalError("cannot serialize the request");
    }
  }
  grpc::Slice slice(bytes);
  const grpc::ByteBuffer request_buffer(&slice, 1);
  const std::string path(method);
  grpc::ByteBuffer response;
  absl::Status status = impl_->Call(options, [&](grpc::ClientContext* ctx) {
    response.Clear();
    grpc::Status result;
    absl::Notification done;
    impl_->generic().UnaryCall(ctx, path, grpc::StubOptions(), &request_buffer,
                               &response, [&](grpc::Status s) {
                                 result = std::move(s);
                                 done.Notify();
                               });
    done.WaitForNotification();
    return result;
  });
  if (!status.ok()) return status;
  return ToString(response);
}

}  // namespace pumpurs::client
