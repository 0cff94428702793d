#include "pumpurs/client/client.h"

#include <grpc/compression.h>
#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "client-lib/src/grpc_error.h"
#include "client-lib/src/request_id.h"
#include "client-lib/src/service_config.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "pumpurs/v1/audit.grpc.pb.h"
#include "pumpurs/v1/auth.grpc.pb.h"
#include "pumpurs/v1/directory.grpc.pb.h"
#include "pumpurs/v1/system.grpc.pb.h"
#include "server/common/error.h"

namespace pumpurs::client {
namespace {

bool IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Follows next_page_token from request.page_token on, calling `fn` for each
// item, until the last page, an error, or `fn` returns false.
template <typename Request, typename Item, typename ListFn, typename ItemsFn>
absl::Status FollowPages(Request request, const ListFn& list,
                         const ItemsFn& items,
                         const std::function<bool(const Item&)>& fn) {
  for (;;) {
    auto page = list(request);
    if (!page.ok()) return page.status();
    for (const Item& item : items(*page)) {
      if (!fn(item)) return absl::OkStatus();
    }
    if (page->next_page_token().empty()) return absl::OkStatus();
    if (page->next_page_token() == request.page_token()) {
      // A server bug; looping forever would be worse.
      return absl::InternalError("the server returned the same page twice");
    }
    request.set_page_token(page->next_page_token());
  }
}

}  // namespace

absl::string_view ServingStatusName(ServingStatus status) {
  switch (status) {
    case ServingStatus::kServing:
      return "SERVING";
    case ServingStatus::kNotServing:
      return "NOT_SERVING";
    case ServingStatus::kServiceUnknown:
      return "SERVICE_UNKNOWN";
    case ServingStatus::kUnknown:
      break;
  }
  return "UNKNOWN";
}

std::string ErrorReason(const absl::Status& status) {
  return ::pumpurs::ReasonOf(status);
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  for (const ::pumpurs::FieldViolation& v :
       ::pumpurs::FieldViolationsOf(status)) {
    out.push_back({v.field, v.description});
  }
  return out;
}

class Client::Impl {
 public:
  Impl(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
      : options_(std::move(options)),
        channel_(std::move(channel)),
        system_(v1::SystemService::NewStub(channel_)),
        directory_(v1::DirectoryService::NewStub(channel_)),
        auth_(v1::AuthService::NewStub(channel_)),
        audit_(v1::AuditService::NewStub(channel_)),
        health_(grpc::health::v1::Health::NewStub(channel_)) {}

  const ClientOptions& options() const { return options_; }
  v1::SystemService::Stub& system() const { return *system_; }
  v1::DirectoryService::Stub& directory() const { return *directory_; }
  v1::AuthService::Stub& auth() const { return *auth_; }
  v1::AuditService::Stub& audit() const { return *audit_; }
  grpc::health::v1::Health::Stub& health() const { return *health_; }

  // One blocking unary call of `method` on `stub` with the deadline and
  // metadata every call gets.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Unary(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      Stub& stub, const Request& request, const CallOptions& call) const {
    if (call.deadline.has_value() && *call.deadline <= absl::ZeroDuration()) {
      // gRPC may still send a call whose deadline passed a moment ago (and
      // the server may then act on it); one that expired before it started
      // must not reach the server at all.
      return absl::DeadlineExceededError(
          "the call's deadline expired before it started");
    }
    grpc::ClientContext ctx;
    Prepare(call, &ctx);
    Response response;
    grpc::Status status = (stub.*method)(&ctx, request, &response);
    if (!status.ok()) return internal::FromGrpcStatus(status);
    return response;
  }

 private:
  void Prepare(const CallOptions& call, grpc::ClientContext* ctx) const {
    const absl::Duration timeout =
        call.deadline.value_or(options_.default_deadline);
    if (timeout != absl::InfiniteDuration()) {
      ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    }
    if (!options_.access_token.empty()) {
      ctx->AddMetadata("authorization",
                       absl::StrCat("Bearer ", options_.access_token));
    }
  }

  const ClientOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::SystemService::Stub> system_;
  const std::unique_ptr<v1::DirectoryService::Stub> directory_;
  const std::unique_ptr<v1::AuthService::Stub> auth_;
  const std::unique_ptr<v1::AuditService::Stub> audit_;
  const std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

absl::StatusOr<std::unique_ptr<Client>> Client::Create(
    const ClientOptions& options) {
  if (options.target.empty()) {
    return absl::InvalidArgumentError("ClientOptions.target is empty");
  }
  if (options.default_deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "ClientOptions.default_deadline must be positive");
  }
  if (!IsPrintableAscii(options.access_token)) {
    // Never echo the token.
    return absl::InvalidArgumentError(
        "ClientOptions.access_token must be printable ASCII");
  }

  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(internal::kServiceConfigJson);
  // The built-in config is the one to use, whatever DNS says.
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  args.SetUserAgentPrefix(absl::StrCat("pumpurs-client/", PUMPURS_VERSION));
  if (options.gzip) args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls_root_certs_pem.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.tls_root_certs_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.target, credentials, args);
  if (channel == nullptr) {
    return absl::InternalError("cannot create a gRPC channel");
  }
  return std::unique_ptr<Client>(
      new Client(std::make_unique<Impl>(options, std::move(channel))));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Client::~Client() = default;

const std::string& Client::target() const { return impl_->options().target; }

absl::StatusOr<v1::PingResponse> Client::Ping(
    const v1::PingRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::SystemService::Stub::Ping, impl_->system(), request,
                      options);
}

absl::StatusOr<v1::ServerInfo> Client::GetServerInfo(
    const v1::GetServerInfoRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::SystemService::Stub::GetServerInfo, impl_->system(),
                      request, options);
}

absl::StatusOr<ServingStatus> Client::Health(absl::string_view service,
                                             const CallOptions& options) const {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(std::string(service));
  absl::StatusOr<grpc::health::v1::HealthCheckResponse> response =
      impl_->Unary(&grpc::health::v1::Health::Stub::Check, impl_->health(),
                   request, options);
  if (!response.ok()) return response.status();
  switch (response->status()) {
    case grpc::health::v1::HealthCheckResponse::SERVING:
      return ServingStatus::kServing;
    case grpc::health::v1::HealthCheckResponse::NOT_SERVING:
      return ServingStatus::kNotServing;
    case grpc::health::v1::HealthCheckResponse::SERVICE_UNKNOWN:
      return ServingStatus::kServiceUnknown;
    default:
      return ServingStatus::kUnknown;
  }
}

absl::StatusOr<v1::Municipality> Client::GetMunicipality(
    const v1::GetMunicipalityRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::GetMunicipality,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::ListMunicipalitiesResponse> Client::ListMunicipalities(
    const v1::ListMunicipalitiesRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::ListMunicipalities,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::Municipality> Client::CreateMunicipality(
    const v1::CreateMunicipalityRequest& request,
    const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::DirectoryService::Stub::CreateMunicipality,
                        impl_->directory(), request, options);
  }
  v1::CreateMunicipalityRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::DirectoryService::Stub::CreateMunicipality,
                      impl_->directory(), with_id, options);
}

absl::StatusOr<v1::Municipality> Client::UpdateMunicipality(
    const v1::UpdateMunicipalityRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::UpdateMunicipality,
                      impl_->directory(), request, options);
}

absl::Status Client::ForEachMunicipality(
    const v1::ListMunicipalitiesRequest& request,
    const std::function<bool(const v1::Municipality&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListMunicipalitiesRequest& r) {
        return ListMunicipalities(r, options);
      },
      [](const v1::ListMunicipalitiesResponse& page) -> const auto& {
        return page.municipalities();
      },
      fn);
}

absl::StatusOr<v1::Institution> Client::GetInstitution(
    const v1::GetInstitutionRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::GetInstitution,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::ListInstitutionsResponse> Client::ListInstitutions(
    const v1::ListInstitutionsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::ListInstitutions,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::Institution> Client::CreateInstitution(
    const v1::CreateInstitutionRequest& request,
    const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::DirectoryService::Stub::CreateInstitution,
                        impl_->directory(), request, options);
  }
  v1::CreateInstitutionRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::DirectoryService::Stub::CreateInstitution,
                      impl_->directory(), with_id, options);
}

absl::StatusOr<v1::Institution> Client::UpdateInstitution(
    const v1::UpdateInstitutionRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::UpdateInstitution,
                      impl_->directory(), request, options);
}

absl::Status Client::DeleteInstitution(
    const v1::DeleteInstitutionRequest& request,
    const CallOptions& options) const {
  return impl_
      ->Unary(&v1::DirectoryService::Stub::DeleteInstitution,
              impl_->directory(), request, options)
      .status();
}

absl::Status Client::ForEachInstitution(
    const v1::ListInstitutionsRequest& request,
    const std::function<bool(const v1::Institution&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListInstitutionsRequest& r) {
        return ListInstitutions(r, options);
      },
      [](const v1::ListInstitutionsResponse& page) -> const auto& {
        return page.institutions();
      },
      fn);
}

// --- AuthService (owned by the auth work; add above this line) ---

// --- Directory people and import (add above this line) ---

// --- AuditService (add above this line) ---

}  // namespace pumpurs::client
