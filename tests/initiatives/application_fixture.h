#ifndef PUMPURS_TESTS_INITIATIVES_APPLICATION_FIXTURE_H_
#define PUMPURS_TESTS_INITIATIVES_APPLICATION_FIXTURE_H_

// The call and application functions (calls.h, projects.h) run as a given
// caller in real executor transactions, on top of InitiativeTest, and a
// few counts of what is stored.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/initiatives/calls.h"
#include "server/initiatives/projects.h"
#include "tests/initiatives/initiative_fixture.h"
#include "tests/testing/names.h"

namespace pumpurs::initiatives {

using ::pumpurs::testing::IdOf;

class ApplicationTest : public InitiativeTest {
 protected:
  // A complete draft call of `owner` as a client sends it (no evaluators
  // unless `with_evaluators`), applications from `start` to `end`.
  v1::Call NewCall(const std::string& owner, absl::CivilDay start,
                   absl::CivilDay end, bool with_evaluators = true) {
    v1::Call call;
    call.set_owner(owner);
    call.set_title("Jauniešu iniciatīvas");
    call.set_rules("Noteikumi.\nOtrā rinda.");
    call.set_application_start(plans::FormatDay(start));
    call.set_application_end(plans::FormatDay(end));
    call.set_max_projects(3);
    v1::Criterion* k = call.add_criteria();
    k->set_title("Atbilstība");
    k->set_max_points(10);
    call.set_min_at_risk_percent(25);
    if (with_evaluators) {
      call.add_evaluators(ResourceName(kAccounts, evaluator1_));
    }
    return call;
  }
  std::string NorthOwner() { return ResourceName(kMunicipalities, north_.id); }
  std::string VOwner() { return ResourceName(kInstitutions, v_.id); }

  absl::StatusOr<v1::Call> CreateC(const CallContext& call, const v1::Call& in,
                                   const std::string& request_id = "") {
    return WriteAs<v1::Call>(call, [&](Connection& c, const CallContext& cc) {
      return CreateCall(c, cc, in, request_id, absl::Now());
    });
  }
  absl::StatusOr<v1::Call> GetC(const CallContext& call,
                                const std::string& id) {
    return ReadAs<v1::Call>(call, [&](Connection& c, const CallContext& cc) {
      return GetCall(c, cc, id);
    });
  }
  absl::StatusOr<ListPage<v1::Call>> ListC(const CallContext& call,
                                           const CallFilter& filter) {
    return ReadAs<ListPage<v1::Call>>(
        call, [&](Connection& c, const CallContext& cc) {
          return ListCalls(c, cc, filter);
        });
  }
  absl::StatusOr<v1::Call> UpdateC(const CallContext& call,
                                   const std::string& id,
                                   const v1::Call& changes,
                                   const std::vector<std::string>& paths,
                                   const std::string& etag = "") {
    return WriteAs<v1::Call>(call, [&](Connection& c, const CallContext& cc) {
      return UpdateCall(c, cc, id, changes, paths, etag, absl::Now());
    });
  }
  absl::StatusOr<v1::Call> OpenC(const CallContext& call, const std::string& id,
                                 const std::string& etag = "") {
    return WriteAs<v1::Call>(call, [&](Connection& c, const CallContext& cc) {
      return OpenCall(c, cc, id, etag, absl::Now());
    });
  }

  absl::StatusOr<v1::Initiative> CreateIn(const CallContext& call,
                                          const v1::Initiative& in,
                                          const std::string& request_id = "") {
    return WriteAs<v1::Initiative>(
        call, [&](Connection& c, const CallContext& cc) {
          return CreateInitiative(c, cc, in, request_id, absl::Now());
        });
  }
  absl::StatusOr<v1::Initiative> GetIn(const CallContext& call,
                                       const std::string& id) {
    return ReadAs<v1::Initiative>(call,
                                  [&](Connection& c, const CallContext& cc) {
                                    return GetInitiative(c, cc, id);
                                  });
  }
  absl::StatusOr<ListPage<v1::Initiative>> ListIn(
      const CallContext& call, const InitiativeFilter& filter) {
    return ReadAs<ListPage<v1::Initiative>>(
        call, [&](Connection& c, const CallContext& cc) {
          return ListInitiatives(c, cc, filter);
        });
  }
  absl::StatusOr<v1::Initiative> UpdateIn(const CallContext& call,
                                          const std::string& id,
                                          const v1::Initiative& changes,
                                          const std::vector<std::string>& paths,
                                          const std::string& etag = "") {
    return WriteAs<v1::Initiative>(
        call, [&](Connection& c, const CallContext& cc) {
          return UpdateInitiative(c, cc, id, changes, paths, etag, absl::Now());
        });
  }
  absl::StatusOr<v1::Initiative> SubmitIn(const CallContext& call,
                                          const std::string& id,
                                          absl::Time now = absl::Now(),
                                          const std::string& etag = "") {
    return WriteAs<v1::Initiative>(
        call, [&](Connection& c, const CallContext& cc) {
          return SubmitInitiative(c, cc, id, etag, now);
        });
  }
  absl::StatusOr<v1::Initiative> WithdrawIn(const CallContext& call,
                                            const std::string& id,
                                            const std::string& reason,
                                            const std::string& etag = "") {
    return WriteAs<v1::Initiative>(
        call, [&](Connection& c, const CallContext& cc) {
          return WithdrawInitiative(c, cc, id, reason, etag, absl::Now());
        });
  }

  // Stored rows.
  int64_t Changes(const std::string& resource) {
    return QueryInt(absl::StrCat(
        "SELECT count(*) FROM changes WHERE resource = '", resource, "'"));
  }
  int64_t AuditCount(const std::string& action, int outcome = 1) {
    return QueryInt(
        absl::StrCat("SELECT count(*) FROM audit_events WHERE action = '",
                     action, "' AND outcome = ", outcome));
  }
  // The pupils an action's events name, sorted.
  std::vector<std::string> AuditedPupils(const std::string& action) {
    std::vector<std::string> out;
    EXPECT_THAT(db_->ReadSync(CallContext{},
                              [&](Connection& c) -> absl::Status {
                                PUMPURS_ASSIGN_OR_RETURN(
                                    storage::Statement s,
                                    c.Prepare("SELECT pupil_id FROM "
                                              "audit_events WHERE action = ? "
                                              "ORDER BY pupil_id"));
                                s.Bind(1, action);
                                while (true) {
                                  PUMPURS_ASSIGN_OR_RETURN(bool row, s.Step());
                                  if (!row) break;
                                  out.push_back(s.ColumnText(0));
                                }
                                return absl::OkStatus();
                              }),
                ::pumpurs::testing::IsOk());
    return out;
  }
};

}  // namespace pumpurs::initiatives

#endif  // PUMPURS_TESTS_INITIATIVES_APPLICATION_FIXTURE_H_
