#include "client-lib/src/offline_reflect.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client-lib/src/request_id.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "pumpurs/v1/youth_initiative.pb.h"

namespace pumpurs::client::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* StringField(const Descriptor* type,
                                   absl::string_view name) {
  const FieldDescriptor* f = type->FindFieldByName(std::string(name));
  if (f == nullptr || f->is_repeated() ||
      f->type() != FieldDescriptor::TYPE_STRING) {
    return nullptr;
  }
  return f;
}

std::string GetString(const Message& m, absl::string_view field) {
  const FieldDescriptor* f = StringField(m.GetDescriptor(), field);
  return f == nullptr ? "" : m.GetReflection()->GetString(m, f);
}

// A singular message field of `request` whose type looks like a resource
// (string `name` and `etag`) and whose name is set.
const FieldDescriptor* ResourceField(const Message& request) {
  const Descriptor* type = request.GetDescriptor();
  const Reflection* r = request.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->is_repeated() || f->type() != FieldDescriptor::TYPE_MESSAGE) {
      continue;
    }
    const Descriptor* sub = f->message_type();
    if (StringField(sub, "name") == nullptr ||
        StringField(sub, "etag") == nullptr || !r->HasField(request, f)) {
      continue;
    }
    if (GetString(r->GetMessage(request, f), "name").empty()) continue;
    return f;
  }
  return nullptr;
}

// Whether `field` of `m` holds its default (empty) value.
bool IsEmpty(const Message& m, const FieldDescriptor* field) {
  const Reflection* r = m.GetReflection();
  if (field->is_repeated()) return r->FieldSize(m, field) == 0;
  if (field->has_presence()) return !r->HasField(m, field);
  // proto3 scalars: HasField means "not the default".
  return !r->HasField(m, field);
}

}  // namespace

absl::StatusOr<const google::protobuf::MethodDescriptor*> FindUnaryMethod(
    absl::string_view method) {
  // "/pumpurs.v1.Service/Method" -> "pumpurs.v1.Service.Method".
  std::vector<absl::string_view> parts = absl::StrSplit(method, '/');
  if (parts.size() != 3 || !parts[0].empty() || parts[1].empty() ||
      parts[2].empty()) {
    return absl::InvalidArgumentError(
        "method must be a full gRPC method name, e.g. "
        "\"/pumpurs.v1.SupportPlanService/UpdateSupportPlan\"");
  }
  const google::protobuf::MethodDescriptor* m =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrCat(parts[1], ".", parts[2]));
  if (m == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown method ", method));
  }
  if (m->client_streaming() || m->server_streaming()) {
    return absl::InvalidArgumentError(
        absl::StrCat("method ", method, " is not unary"));
  }
  return m;
}

std::unique_ptr<Message> NewMessage(const Descriptor* type) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  return std::unique_ptr<Message>(prototype->New());
}

std::string FillRequestId(Message& request, absl::string_view preferred) {
  const FieldDescriptor* f = StringField(request.GetDescriptor(), "request_id");
  if (f == nullptr) return "";
  const Reflection* r = request.GetReflection();
  std::string id = r->GetString(request, f);
  if (id.empty()) {
    id = preferred.empty() ? NewRequestId() : std::string(preferred);
    r->SetString(&request, f, id);
  }
  return id;
}

Target TargetOf(const Message& request) {
  Target t;
  if (const FieldDescriptor* f = ResourceField(request)) {
    const Message& res = request.GetReflection()->GetMessage(request, f);
    t.resource = GetString(res, "name");
    t.etag = GetString(res, "etag");
    return t;
  }
  t.resource = GetString(request, "name");
  if (!t.resource.empty()) {
    t.etag = GetString(request, "etag");
    return t;
  }
  t.resource = GetString(request, "parent");
  return t;
}

bool SetEtag(Message& request, absl::string_view resource,
             absl::string_view etag) {
  const Reflection* r = request.GetReflection();
  if (const FieldDescriptor* f = ResourceField(request)) {
    Message* res = r->MutableMessage(&request, f);
    if (GetString(*res, "name") != resource) return false;
    res->GetReflection()->SetString(
        res, StringField(res->GetDescriptor(), "etag"), std::string(etag));
    return true;
  }
  const FieldDescriptor* etag_field =
      StringField(request.GetDescriptor(), "etag");
  if (etag_field == nullptr || GetString(request, "name") != resource) {
    return false;
  }
  r->SetString(&request, etag_field, std::string(etag));
  return true;
}

Target NameAndEtag(const Message& message) {
  return Target{GetString(message, "name"), GetString(message, "etag")};
}

bool WrapInChange(const Message& resource, v1::Change* change) {
  const Descriptor* type = v1::Change::descriptor();
  const google::protobuf::OneofDescriptor* oneof =
      type->FindOneofByName("resource_data");
  if (oneof == nullptr) return false;
  for (int i = 0; i < oneof->field_count(); ++i) {
    const FieldDescriptor* f = oneof->field(i);
    if (f->message_type() != resource.GetDescriptor()) continue;
    change->GetReflection()->MutableMessage(change, f)->CopyFrom(resource);
    change->set_kind(v1::CHANGE_KIND_UPSERT);
    change->set_resource(GetString(resource, "name"));
    return true;
  }
  return false;
}

std::optional<GetCall> GetCallFor(absl::string_view resource) {
  std::vector<absl::string_view> parts = absl::StrSplit(resource, '/');
  if (parts.size() != 2 || parts[1].empty()) return std::nullopt;
  const std::string name(resource);
  GetCall call;
  if (parts[0] == "supportPlans") {
    v1::GetSupportPlanRequest r;
    r.set_name(name);
    call = {"/pumpurs.v1.SupportPlanService/GetSupportPlan",
            r.SerializeAsString()};
  } else if (parts[0] == "applications") {
    v1::GetApplicationRequest r;
    r.set_name(name);
    call = {"/pumpurs.v1.SupportPlanService/GetApplication",
            r.SerializeAsString()};
  } else if (parts[0] == "initiatives") {
    v1::GetInitiativeRequest r;
    r.set_name(name);
    call = {"/pumpurs.v1.YouthInitiativeService/GetInitiative",
            r.SerializeAsString()};
  } else if (parts[0] == "initiativeCalls") {
    v1::GetCallRequest r;
    r.set_name(name);
    call = {"/pumpurs.v1.YouthInitiativeService/GetCall",
            r.SerializeAsString()};
  } else {
    return std::nullopt;
  }
  return call;
}

bool AlreadyApplied(const Message& request, const Message& current) {
  const Descriptor* type = request.GetDescriptor();
  const Reflection* r = request.GetReflection();
  const FieldDescriptor* mask_field = nullptr;
  const FieldDescriptor* resource_field = nullptr;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->is_repeated() || f->type() != FieldDescriptor::TYPE_MESSAGE) {
      continue;
    }
    if (f->message_type() == google::protobuf::FieldMask::descriptor()) {
      mask_field = f;
    } else if (f->message_type() == current.GetDescriptor()) {
      resource_field = f;
    }
  }
  if (mask_field == nullptr || resource_field == nullptr) return false;
  google::protobuf::FieldMask mask;
  mask.CopyFrom(r->GetMessage(request, mask_field));
  if (mask.paths_size() == 0) return false;
  const Message& wanted = r->GetMessage(request, resource_field);

  // What the update sets, and nothing else.
  std::unique_ptr<Message> expected = NewMessage(current.GetDescriptor());
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(wanted, mask, options,
                                                        expected.get());

  // PARTIAL compares only what `expected` sets, so fields the server fills
  // in (ids of new goals, counters, etag, times) do not count as a
  // difference. What PARTIAL cannot see, checked by hand: a masked field the
  // update empties, and the length of a replaced list.
  const Reflection* er = expected->GetReflection();
  const Reflection* cr = current.GetReflection();
  for (const std::string& path : mask.paths()) {
    const std::string top = path.substr(0, path.find('.'));
    const FieldDescriptor* f = current.GetDescriptor()->FindFieldByName(top);
    if (f == nullptr) return false;
    if (f->is_repeated()) {
      if (er->FieldSize(*expected, f) != cr->FieldSize(current, f)) {
        return false;
      }
    } else if (top == path && IsEmpty(*expected, f) && !IsEmpty(current, f)) {
      return false;
    }
  }
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_scope(google::protobuf::util::MessageDifferencer::PARTIAL);
  differencer.set_repeated_field_comparison(
      google::protobuf::util::MessageDifferencer::AS_LIST);
  return differencer.Compare(*expected, current);
}

const Message* ResourceOf(const v1::Change& change) {
  const google::protobuf::OneofDescriptor* oneof =
      v1::Change::descriptor()->FindOneofByName("resource_data");
  if (oneof == nullptr) return nullptr;
  const Reflection* r = change.GetReflection();
  const FieldDescriptor* f = r->GetOneofFieldDescriptor(change, oneof);
  return f == nullptr ? nullptr : &r->GetMessage(change, f);
}

bool MaskedFieldsUnchanged(const Message& request, const Message& base,
                           const Message& current) {
  // The request as if it set the base's values: "already applied" to the
  // server's version then means nobody changed those fields since.
  std::unique_ptr<Message> probe = NewMessage(request.GetDescriptor());
  probe->CopyFrom(request);
  const Descriptor* type = probe->GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (!f->is_repeated() && f->type() == FieldDescriptor::TYPE_MESSAGE &&
        f->message_type() == base.GetDescriptor()) {
      probe->GetReflection()->MutableMessage(probe.get(), f)->CopyFrom(base);
      return AlreadyApplied(*probe, current);
    }
  }
  return false;
}

}  // namespace pumpurs::client::internal
