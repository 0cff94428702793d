#ifndef PUMPURS_BENCH_PLAN_FIXTURE_H_
#define PUMPURS_BENCH_PLAN_FIXTURE_H_

// The support plans pumpurs-load's plan RPCs work on, made through the
// public API as a school would make them: as the signed-in head of an
// institution, `count` new pupils, each with a guardian, a paper-form
// application signed today and a draft plan for the current semester (one
// risk, one goal, one consultation measure of 100,000 hours over the whole
// semester provided by the head's own staff record, so that deliveries
// never run out). With `approve`, every plan is also submitted and
// approved at each level of its chain: the institution by the head, the
// municipality and the nation by the approvers' sessions.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"

namespace pumpurs::bench {

struct PlanFixtureOptions {
  int count = 10;
  bool approve = false;
  // "Bearer ..." of the head (who prepares everything) and of the approvers
  // at the municipality and national levels (only used with `approve`).
  std::string head_authorization;
  std::string municipality_authorization;
  std::string national_authorization;
  // Makes names and request ids of this run unique.
  std::string run_tag;
};

struct PlanFixture {
  std::string institution;  // "institutions/{id}"
  std::string provider;     // "staff/{id}": the head's staff record
  std::string today;        // "YYYY-MM-DD" in Latvia, for deliveries
  // "supportPlans/{id}" and the id of each plan's one measure.
  std::vector<std::string> plans;
  std::vector<std::string> measure_ids;
};

absl::StatusOr<PlanFixture> PreparePlans(
    const std::shared_ptr<grpc::Channel>& channel,
    const PlanFixtureOptions& options);

}  // namespace pumpurs::bench

#endif  // PUMPURS_BENCH_PLAN_FIXTURE_H_
