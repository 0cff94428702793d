// TrainingService: parse the resource names of the request, run
// server/training (events.h, registrations.h, hours.h) in a transaction,
// fill the response.

#include "server/rpc/training_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/page.h"
#include "server/rpc/unary_call.h"
#include "server/training/events.h"
#include "server/training/hours.h"
#include "server/training/registrations.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
namespace training = ::pumpurs::training;
using storage::Connection;

std::vector<std::string> PathsOf(const google::protobuf::FieldMask& mask) {
  return std::vector<std::string>(mask.paths().begin(), mask.paths().end());
}

void FillEvent(const v1::TrainingEvent& e, v1::TrainingEvent* out) { *out = e; }

void FillRegistration(const v1::Registration& r, v1::Registration* out) {
  *out = r;
}

// "trainingEvents/{e}/registrations/{r}": the event and registration ids.
absl::StatusOr<std::pair<std::string, std::string>> ParseRegistrationName(
    absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() == 4 && parts[0] == training::kTrainingEvents &&
      parts[2] == training::kRegistrations) {
    absl::StatusOr<std::string> event =
        ParseResourceName(absl::StrCat(parts[0], "/", parts[1]),
                          training::kTrainingEvents, "name");
    absl::StatusOr<std::string> reg =
        ParseResourceName(absl::StrCat(parts[2], "/", parts[3]),
                          training::kRegistrations, "name");
    if (event.ok() && reg.ok()) return std::make_pair(*event, *reg);
  }
  return InvalidFieldError("name",
                           "must be trainingEvents/{id}/registrations/{id}");
}

}  // namespace

grpc::ServerUnaryReactor* TrainingService::CreateTrainingEvent(
    grpc::CallbackServerContext* ctx, const v1::CreateTrainingEventRequest* req,
    v1::TrainingEvent* resp) {
  return Serve<v1::TrainingEvent, v1::TrainingEvent>(
      ctx, db_, Access::kWrite,
      [in = req->training_event(), request_id = req->request_id()](
          const CallContext& call, Connection& c) {
        return training::CreateTrainingEvent(c, call, in, request_id,
                                             absl::Now());
      },
      resp, FillEvent);
}

grpc::ServerUnaryReactor* TrainingService::GetTrainingEvent(
    grpc::CallbackServerContext* ctx, const v1::GetTrainingEventRequest* req,
    v1::TrainingEvent* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), training::kTrainingEvents, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::TrainingEvent, v1::TrainingEvent>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return training::GetTrainingEvent(c, call, id);
      },
      resp, FillEvent);
}

grpc::ServerUnaryReactor* TrainingService::ListTrainingEvents(
    grpc::CallbackServerContext* ctx, const v1::ListTrainingEventsRequest* req,
    v1::ListTrainingEventsResponse* resp) {
  training::EventFilter filter;
  filter.audience = req->audience();
  filter.kind = req->kind();
  filter.from_day = req->from_day();
  filter.to_day = req->to_day();
  filter.method_article = req->method_article();
  filter.page_size = req->page_size();
  filter.page_token = req->page_token();
  return Serve<ListPage<v1::TrainingEvent>, v1::ListTrainingEventsResponse>(
      ctx, db_, Access::kRead,
      [filter](const CallContext& call, Connection& c) {
        return training::ListTrainingEvents(c, call, filter);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& item : page.items) *out->add_training_events() = item;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* TrainingService::UpdateTrainingEvent(
    grpc::CallbackServerContext* ctx, const v1::UpdateTrainingEventRequest* req,
    v1::TrainingEvent* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->training_event().name(), training::kTrainingEvents,
                        "training_event.name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::TrainingEvent, v1::TrainingEvent>(
      ctx, db_, Access::kWrite,
      [id = *id, changes = req->training_event(),
       paths = PathsOf(req->update_mask())](const CallContext& call,
                                            Connection& c) {
        return training::UpdateTrainingEvent(c, call, id, changes, paths,
                                             changes.etag(), absl::Now());
      },
      resp, FillEvent);
}

grpc::ServerUnaryReactor* TrainingService::PublishTrainingEvent(
    grpc::CallbackServerContext* ctx,
    const v1::PublishTrainingEventRequest* req, v1::TrainingEvent* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), training::kTrainingEvents, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::TrainingEvent, v1::TrainingEvent>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c) {
        return training::PublishTrainingEvent(c, call, id, etag, absl::Now());
      },
      resp, FillEvent);
}

grpc::ServerUnaryReactor* TrainingService::CancelTrainingEvent(
    grpc::CallbackServerContext* ctx, const v1::CancelTrainingEventRequest* req,
    v1::TrainingEvent* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), training::kTrainingEvents, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::TrainingEvent, v1::TrainingEvent>(
      ctx, db_, Access::kWrite,
      [id = *id, etag = req->etag()](const CallContext& call, Connection& c) {
        return training::CancelTrainingEvent(c, call, id, etag, absl::Now());
      },
      resp, FillEvent);
}

grpc::ServerUnaryReactor* TrainingService::RegisterForTraining(
    grpc::CallbackServerContext* ctx, const v1::RegisterForTrainingRequest* req,
    v1::Registration* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->parent(), training::kTrainingEvents, "parent");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<v1::Registration, v1::Registration>(
      ctx, db_, Access::kWrite,
      [id = *id, staff = req->staff(), request_id = req->request_id()](
          const CallContext& call, Connection& c) {
        return training::RegisterForTraining(c, call, id, staff, request_id,
                                             absl::Now());
      },
      resp, FillRegistration);
}

grpc::ServerUnaryReactor* TrainingService::CancelRegistration(
    grpc::CallbackServerContext* ctx, const v1::CancelRegistrationRequest* req,
    v1::Registration* resp) {
  auto ids = ParseRegistrationName(req->name());
  if (!ids.ok()) return Answer(ctx, ids.status());
  return Serve<v1::Registration, v1::Registration>(
      ctx, db_, Access::kWrite,
      [ids = *ids](const CallContext& call, Connection& c) {
        return training::CancelRegistration(c, call, ids.first, ids.second,
                                            absl::Now());
      },
      resp, FillRegistration);
}

grpc::ServerUnaryReactor* TrainingService::ListRegistrations(
    grpc::CallbackServerContext* ctx, const v1::ListRegistrationsRequest* req,
    v1::ListRegistrationsResponse* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->parent(), training::kTrainingEvents, "parent");
  if (!id.ok()) return Answer(ctx, id.status());
  training::RegistrationFilter filter;
  filter.page_size = req->page_size();
  filter.page_token = req->page_token();
  return Serve<ListPage<v1::Registration>, v1::ListRegistrationsResponse>(
      ctx, db_, Access::kRead,
      [id = *id, filter](const CallContext& call, Connection& c) {
        return training::ListRegistrations(c, call, id, filter);
      },
      resp,
      [](const auto& page, auto* out) {
        for (const auto& item : page.items) *out->add_registrations() = item;
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* TrainingService::RecordAttendance(
    grpc::CallbackServerContext* ctx, const v1::RecordAttendanceRequest* req,
    v1::Registration* resp) {
  auto ids = ParseRegistrationName(req->name());
  if (!ids.ok()) return Answer(ctx, ids.status());
  return Serve<v1::Registration, v1::Registration>(
      ctx, db_, Access::kWrite,
      [ids = *ids, attended = req->attended()](const CallContext& call,
                                               Connection& c) {
        return training::RecordAttendance(c, call, ids.first, ids.second,
                                          attended, absl::Now());
      },
      resp, FillRegistration);
}

grpc::ServerUnaryReactor* TrainingService::ListTrainingHours(
    grpc::CallbackServerContext* ctx, const v1::ListTrainingHoursRequest* req,
    v1::ListTrainingHoursResponse* resp) {
  training::HoursQuery q;
  q.staff = req->staff();
  q.institution = req->institution();
  q.from_day = req->from_day();
  q.to_day = req->to_day();
  q.page_size = req->page_size();
  q.page_token = req->page_token();
  return Serve<v1::ListTrainingHoursResponse, v1::ListTrainingHoursResponse>(
      ctx, db_, Access::kRead,
      [q](const CallContext& call, Connection& c) {
        return training::ListTrainingHours(c, call, q);
      },
      resp, [](const auto& r, auto* out) { *out = r; });
}

}  // namespace pumpurs::rpc
