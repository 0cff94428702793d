#include "server/rpc/import_call.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/auth/audit.h"
#include "server/auth/authenticate.h"
#include "server/common/error.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/rpc/call_log.h"
#include "server/rpc/grpc_status.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;

constexpr absl::Duration kProgressInterval = absl::Milliseconds(100);

v1::ImportPeopleResponse FinalMessage(const directory::ImportReport& report) {
  v1::ImportPeopleResponse out;
  out.set_rows_total(report.rows_total);
  out.set_rows_done(report.rows_total);
  out.set_created(report.created);
  out.set_updated(report.updated);
  out.set_unchanged(report.unchanged);
  for (const directory::ImportError& e : report.errors) {
    v1::ImportError* error = out.add_errors();
    error->set_line(e.line);
    error->set_column(e.column);
    error->set_reason(e.reason);
  }
  out.set_done(true);
  return out;
}

}  // namespace

ImportCall* ImportCall::Start(grpc::CallbackServerContext* ctx,
                              storage::Database& db,
                              const v1::ImportPeopleRequest* request) {
  auto* call = new ImportCall(ctx, db, request);
  call->Run();
  return call;
}

ImportCall::ImportCall(grpc::CallbackServerContext* ctx, storage::Database& db,
                       const v1::ImportPeopleRequest* request)
    : ctx_(ctx), db_(db), request_(request), call_(NewCallContext(ctx)) {}

void ImportCall::Run() {
  directory::ImportRequest req;
  if (!request_->institution().empty()) {
    absl::StatusOr<std::string> id = ParseResourceName(
        request_->institution(), "institutions", "institution");
    if (!id.ok()) {
      End(std::nullopt, id.status());
      return;
    }
    req.institution_id = *id;
  }
  req.kind = static_cast<directory::ImportKind>(request_->kind());
  req.csv_data = request_->csv_data();
  req.validate_only = request_->validate_only();
  db_.ReadValue<std::shared_ptr<directory::ImportPlan>>(
      call_,
      [this, req](storage::Connection& c)
          -> absl::StatusOr<std::shared_ptr<directory::ImportPlan>> {
        PUMPURS_RETURN_IF_ERROR(auth::Authenticate(c, call_, absl::Now()));
        return directory::PrepareImport(
            c, call_, req,
            [this](int done, int total) { Progress(done, total); });
      },
      [this](absl::StatusOr<std::shared_ptr<directory::ImportPlan>> plan) {
        Checked(std::move(plan));
      });
}

void ImportCall::Progress(int rows_done, int rows_total) {
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    // The first report (the total) always goes; then at most one per
    // interval. The final message carries the end.
    if (rows_done != 0 && now - last_progress_ < kProgressInterval) return;
    last_progress_ = now;
  }
  v1::ImportPeopleResponse message;
  message.set_rows_total(rows_total);
  message.set_rows_done(rows_done);
  Send(std::move(message));
}

void ImportCall::Checked(
    absl::StatusOr<std::shared_ptr<directory::ImportPlan>> plan) {
  if (!plan.ok()) {
    Conclude(plan.status());
    return;
  }
  const directory::ImportReport& report = directory::PlanReport(**plan);
  if (!report.errors.empty() || request_->validate_only()) {
    Conclude(report);
    return;
  }
  db_.WriteValue<directory::ImportReport>(
      call_,
      [this, plan = *plan](storage::Connection& c) {
        return directory::ApplyImport(c, call_, *plan);
      },
      [this](absl::StatusOr<directory::ImportReport> report) {
        Conclude(std::move(report));
      });
}

void ImportCall::Conclude(absl::StatusOr<directory::ImportReport> report) {
  if (call_.deferred_audit->empty()) {
    Answer(report);
    return;
  }
  // As rpc::Serve does: the events are stored, in a write of their own that
  // a cancelled call cannot stop, before anything is answered.
  CallContext audit_call = call_;
  audit_call.deadline = absl::InfiniteFuture();
  audit_call.cancelled = std::make_shared<std::atomic<bool>>(false);
  auto held = std::make_shared<absl::StatusOr<directory::ImportReport>>(
      std::move(report));
  db_.Write(
      audit_call,
      [this](storage::Connection& c) {
        return auth::StoreDeferredAudit(c, call_, absl::Now());
      },
      [this, held](const absl::Status& stored) {
        if (!stored.ok()) {
          // Unaudited access is not answered.
          End(std::nullopt, stored);
          return;
        }
        Answer(*held);
      });
}

void ImportCall::Answer(const absl::StatusOr<directory::ImportReport>& report) {
  if (!report.ok()) {
    End(std::nullopt, report.status());
    return;
  }
  absl::Status status;
  if (!report->errors.empty()) {
    status = Error(absl::StatusCode::kInvalidArgument, "IMPORT_ROWS_INVALID",
                   "rows of the file are invalid (see the errors of the last "
                   "message); nothing was stored");
  }
  End(FinalMessage(*report), status);
}

void ImportCall::End(std::optional<v1::ImportPeopleResponse> last,
                     const absl::Status& status) {
  NoteCallerForLog(ctx_, call_.caller_id);
  Next next;
  {
    absl::MutexLock lock(&mu_);
    waiting_.reset();
    if (!broken_) last_ = std::move(last);
    finish_ = ToGrpcStatus(status);
    if (writing_) return;  // OnWriteDone goes on
    next = Advance();
  }
  Act(next);
}

void ImportCall::Send(v1::ImportPeopleResponse message) {
  Next next;
  {
    absl::MutexLock lock(&mu_);
    if (broken_ || finish_.has_value()) return;
    waiting_ = std::move(message);
    if (writing_) return;
    next = Advance();
  }
  Act(next);
}

ImportCall::Next ImportCall::Advance() {
  if (finished_) return Next::kNothing;
  std::optional<v1::ImportPeopleResponse>* source =
      last_.has_value() ? &last_ : (waiting_.has_value() ? &waiting_ : nullptr);
  if (source != nullptr) {
    in_flight_ = std::move(**source);
    source->reset();
    writing_ = true;
    return Next::kWrite;
  }
  if (finish_.has_value()) {
    finished_ = true;
    return Next::kFinish;
  }
  return Next::kNothing;
}

void ImportCall::Act(Next next) {
  switch (next) {
    case Next::kWrite:
      StartWrite(&in_flight_);
      break;
    case Next::kFinish: {
      grpc::Status status;
      {
        absl::MutexLock lock(&mu_);
        status = *finish_;
      }
      // After Finish, `this` may be gone at any moment (OnDone).
      Finish(std::move(status));
      break;
    }
    case Next::kNothing:
      break;
  }
}

void ImportCall::OnWriteDone(bool ok) {
  Next next;
  {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      // The client is gone (or the call was cancelled): nothing more can be
      // written; finish once the work has ended.
      broken_ = true;
      waiting_.reset();
      last_.reset();
    }
    next = Advance();
  }
  Act(next);
}

void ImportCall::OnCancel() { call_.Cancel(); }

void ImportCall::OnDone() { delete this; }

}  // namespace pumpurs::rpc
