// pumpurs-load: a closed-loop load generator for a Pumpurs server on
// loopback. `--concurrency` calls are kept outstanding (spread over
// `--channels` connections) with gRPC's callback API; every completion
// starts the next call until the run's time is up. Calls that complete
// during the warmup are not counted; calls still running at the end are
// waited for (each has a deadline) but not counted.
//
// With --baseline (the default) the same load is first run with Ping, the
// cheapest call the server answers, and the chosen RPC's throughput is
// reported as a ratio of Ping's: the ratio is what the RPC's own work costs
// on this machine, largely independent of how fast the machine is.
//
// The directory needs a signed-in national administrator: before the run
// the tool signs in (AuthService.Login, --username/--password, by default
// the demo administrator of a server started with --demo) and every call,
// Ping included, carries "authorization: Bearer <access token>".
//
// search_articles and recommend_measures read the knowledge base the server
// has; for a large one, fill the database with pumpurs-kb-generate first
// (BENCHMARKS.md, "Knowledge base").
//
// get_support_plan, list_support_plans and record_delivery work as a head
// of institution (--username, default the demo head direktors1), who first
// makes --list_size pupils with a guardian, an application and a plan each
// through the API (bench/plan_fixture.h). For record_delivery the plans are
// also approved at every level, which needs the municipality coordinator
// and the national administrator (--approver_usernames, same --password)
// for the preparation only; each call then records a 1-minute on-site
// consultation dated today, the slots going round all the plans.
//
// national_indicators, municipality_indicators, institution_indicators and
// range_indicators call StatisticsService.GetProgrammeIndicators (default
// trend of 8 semesters) for the whole country, a municipality or an
// institution for one school year (--stats_school_year), or for the country
// over school years --stats_first_school_year to --stats_school_year. They
// read what the database holds (a national data set from
// pumpurs-stats-generate; bench/run_stats_benchmark.sh) and sign in as
// --username, a national administrator. The municipality is
// --stats_municipality or else the first the directory lists (the biggest
// in a generated data set); the institution --stats_institution or else the
// first of that municipality. --cold_calls times the first calls one by
// one before any load, e.g. the first after the server started.

#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/plan_fixture.h"
#include "pumpurs/v1/auth.grpc.pb.h"
#include "pumpurs/v1/directory.grpc.pb.h"
#include "pumpurs/v1/knowledge_base.grpc.pb.h"
#include "pumpurs/v1/statistics.grpc.pb.h"
#include "pumpurs/v1/support_plan.grpc.pb.h"
#include "pumpurs/v1/system.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "host:port of the server; loopback hosts only");
ABSL_FLAG(std::string, rpc, "ping",
          "ping | get_institution | list_institutions | create_municipality "
          "| search_articles | recommend_measures | get_support_plan "
          "| list_support_plans | record_delivery | national_indicators "
          "| municipality_indicators | institution_indicators "
          "| range_indicators");
ABSL_FLAG(std::string, username, "",
          "signs in as this account before the run: a national administrator "
          "for the directory RPCs (default admin), a head of institution for "
          "the support-plan RPCs (default direktors1)");
ABSL_FLAG(std::string, approver_usernames, "pasvaldiba1,admin",
          "record_delivery: the municipality coordinator and the national "
          "administrator who approve the prepared plans (comma-separated; "
          "they sign in with --password)");
ABSL_FLAG(std::string, password, "demo-parole-2026",
          "its password, also the approvers' (default: the demo accounts'; "
          "$PUMPURS_PASSWORD overrides the default)");
ABSL_FLAG(int, concurrency, 16, "calls kept outstanding at once");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10),
          "how long each measured phase lasts");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2),
          "load before each measured phase that is not counted");
ABSL_FLAG(int, channels, 0,
          "gRPC channels (one TCP connection each); 0 means "
          "min(concurrency, 4)");
ABSL_FLAG(bool, baseline, true,
          "first run Ping with the same load and report the ratio of "
          "throughputs");
ABSL_FLAG(bool, json, false, "also print the results as one JSON line");
ABSL_FLAG(absl::Duration, call_timeout, absl::Seconds(5),
          "deadline of every call");
ABSL_FLAG(int, list_size, 10,
          "institutions created for list_institutions, plans created for the "
          "support-plan RPCs (list_support_plans: the size of the page each "
          "call returns)");
ABSL_FLAG(int, stats_school_year, 2024,
          "the *_indicators RPCs: the school year asked for (the last one of "
          "range_indicators)");
ABSL_FLAG(int, stats_first_school_year, 2022,
          "range_indicators: the first school year of the range");
ABSL_FLAG(std::string, stats_municipality, "",
          "municipality_indicators and institution_indicators: "
          "\"municipalities/{id}\"; default the first the directory lists");
ABSL_FLAG(std::string, stats_institution, "",
          "institution_indicators: \"institutions/{id}\"; default the first "
          "institution of the municipality");
ABSL_FLAG(int, cold_calls, 0,
          "before any load (and before the Ping baseline), time this many "
          "calls of --rpc one after another and report each (e.g. the first "
          "calls after the server started)");
ABSL_FLAG(int, server_pid, 0,
          "if set, also report the CPU the process with this pid used during "
          "each measured phase (Linux /proc)");

namespace {

namespace v1 = ::pumpurs::v1;
using Clock = std::chrono::steady_clock;

// "Bearer <access token>" of --username, set once before any load.
std::string& Authorization() {
  static auto* value = new std::string();
  return *value;
}

void SignCall(grpc::ClientContext* ctx) {
  if (!Authorization().empty()) {
    ctx->AddMetadata("authorization", Authorization());
  }
}

// Signs in as `username` with --password (or $PUMPURS_PASSWORD instead of
// the default password); returns "Bearer <access token>". The access token
// lasts 15 minutes: enough for any sensible run.
absl::StatusOr<std::string> SignInAs(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::string& username) {
  v1::LoginRequest req;
  req.set_username(username);
  req.set_password(absl::GetFlag(FLAGS_password));
  const char* env = std::getenv("PUMPURS_PASSWORD");
  if (env != nullptr && *env != '\0' &&
      absl::GetFlag(FLAGS_password) == "demo-parole-2026") {
    req.set_password(env);
  }
  v1::Session session;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status s =
      v1::AuthService::NewStub(channel)->Login(&ctx, req, &session);
  if (!s.ok()) {
    return absl::Status(
        static_cast<absl::StatusCode>(s.error_code()),
        absl::StrCat("signing in as ", req.username(),
                     " failed (start the "
                     "server with --demo, or give --username/--password): ",
                     s.error_message()));
  }
  return absl::StrCat("Bearer ", session.access_token());
}

enum class Rpc {
  kPing,
  kGetInstitution,
  kListInstitutions,
  kCreateMunicipality,
  kSearchArticles,
  kRecommendMeasures,
  kGetSupportPlan,
  kListSupportPlans,
  kRecordDelivery,
  kNationalIndicators,
  kMunicipalityIndicators,
  kInstitutionIndicators,
  kRangeIndicators
};

bool IsStatsRpc(Rpc rpc) {
  return rpc == Rpc::kNationalIndicators ||
         rpc == Rpc::kMunicipalityIndicators ||
         rpc == Rpc::kInstitutionIndicators || rpc == Rpc::kRangeIndicators;
}

bool IsPlanRpc(Rpc rpc) {
  return rpc == Rpc::kGetSupportPlan || rpc == Rpc::kListSupportPlans ||
         rpc == Rpc::kRecordDelivery;
}

const char* RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kPing:
      return "ping";
    case Rpc::kGetInstitution:
      return "get_institution";
    case Rpc::kListInstitutions:
      return "list_institutions";
    case Rpc::kCreateMunicipality:
      return "create_municipality";
    case Rpc::kSearchArticles:
      return "search_articles";
    case Rpc::kRecommendMeasures:
      return "recommend_measures";
    case Rpc::kGetSupportPlan:
      return "get_support_plan";
    case Rpc::kListSupportPlans:
      return "list_support_plans";
    case Rpc::kRecordDelivery:
      return "record_delivery";
    case Rpc::kNationalIndicators:
      return "national_indicators";
    case Rpc::kMunicipalityIndicators:
      return "municipality_indicators";
    case Rpc::kInstitutionIndicators:
      return "institution_indicators";
    case Rpc::kRangeIndicators:
      return "range_indicators";
  }
  return "?";
}

std::optional<Rpc> ParseRpc(absl::string_view name) {
  for (Rpc rpc :
       {Rpc::kPing, Rpc::kGetInstitution, Rpc::kListInstitutions,
        Rpc::kCreateMunicipality, Rpc::kSearchArticles, Rpc::kRecommendMeasures,
        Rpc::kGetSupportPlan, Rpc::kListSupportPlans, Rpc::kRecordDelivery,
        Rpc::kNationalIndicators, Rpc::kMunicipalityIndicators,
        Rpc::kInstitutionIndicators, Rpc::kRangeIndicators}) {
    if (name == RpcName(rpc)) return rpc;
  }
  return std::nullopt;
}

const char* CodeName(int code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}
constexpr int kCodes = 17;

// The benchmark must never load anything but this machine.
bool IsLoopbackTarget(absl::string_view target) {
  if (absl::StartsWith(target, "ipv4:")) target.remove_prefix(5);
  if (absl::StartsWith(target, "ipv6:")) target.remove_prefix(5);
  absl::string_view host;
  absl::string_view port;
  if (absl::StartsWith(target, "[")) {
    size_t close = target.find(']');
    if (close == absl::string_view::npos) return false;
    host = target.substr(1, close - 1);
    if (target.substr(close + 1, 1) != ":") return false;
    port = target.substr(close + 2);
  } else {
    size_t colon = target.rfind(':');
    if (colon == absl::string_view::npos) return false;
    host = target.substr(0, colon);
    port = target.substr(colon + 1);
  }
  int port_number = 0;
  if (!absl::SimpleAtoi(port, &port_number) || port_number <= 0 ||
      port_number > 65535) {
    return false;
  }
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

// CPU time (user + system) of this process and, optionally, another one.
struct CpuSample {
  double self_s = 0;
  double other_s = -1;    // < 0: unknown
  double machine_s = -1;  // busy time of all CPUs; < 0: unknown
};

double ProcessCpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(in, line)) return -1;
  // The command name (field 2) may contain spaces; fields after it are
  // counted from the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double utime = -1;
  double stime = -1;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::atof(field.c_str());
    if (i == 15) stime = std::atof(field.c_str());
  }
  if (utime < 0 || stime < 0) return -1;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Busy (not idle, not iowait) seconds of all CPUs since boot.
double MachineBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  if (!(in >> cpu) || cpu != "cpu") return -1;
  double total = 0;
  double idle = 0;
  double v = 0;
  for (int i = 0; i < 8 && in >> v; ++i) {
    total += v;
    if (i == 3 || i == 4) idle += v;  // idle, iowait
  }
  return (total - idle) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

CpuSample SampleCpu(int other_pid) {
  CpuSample s;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  s.self_s = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
             usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  if (other_pid > 0) s.other_s = ProcessCpuSeconds(other_pid);
  s.machine_s = MachineBusySeconds();
  return s;
}

// What one slot saw during the measured window.
struct Stats {
  std::vector<int64_t> latencies_us;  // OK calls only
  std::array<int64_t, kCodes> codes{};
};

// The timing of one phase, shared by its slots.
class Phase {
 public:
  Phase(Clock::time_point measure_start, Clock::time_point measure_end,
        int slots)
      : measure_start_(measure_start),
        measure_end_(measure_end),
        active_(slots) {}

  Clock::time_point measure_start() const { return measure_start_; }
  Clock::time_point measure_end() const { return measure_end_; }

  void SlotFinished() {
    absl::MutexLock lock(&mu_);
    --active_;
  }
  // True once every slot has stopped; false if `timeout` passed first.
  bool WaitAllFinished(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto done = [this]()
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return active_ == 0; };
    return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
  }

 private:
  const Clock::time_point measure_start_;
  const Clock::time_point measure_end_;
  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_);
};

// One closed loop: at most one call outstanding; the completion of a call
// starts the next until the phase ends. A slot's callbacks never overlap,
// so its Stats need no lock; the Phase's mutex publishes them to main.
class Slot {
 public:
  virtual ~Slot() = default;

  void Run(Phase* phase, absl::Duration call_timeout) {
    phase_ = phase;
    call_timeout_ = absl::ToChronoNanoseconds(call_timeout);
    Next();
  }
  const Stats& stats() const { return stats_; }

 protected:
  using Done = std::function<void(grpc::Status)>;
  // Starts one call on `ctx`; `done` must be called with its status.
  virtual void Issue(grpc::ClientContext* ctx, Done done) = 0;

 private:
  void Next() {
    // Two contexts used in turn: the one whose callback is running is not
    // destroyed from inside that callback.
    std::unique_ptr<grpc::ClientContext>& ctx = contexts_[turn_ ^= 1];
    ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + call_timeout_);
    SignCall(ctx.get());
    started_ = Clock::now();
    Issue(ctx.get(), [this](grpc::Status status) { OnDone(status); });
  }

  void OnDone(const grpc::Status& status) {
    const Clock::time_point now = Clock::now();
    if (now >= phase_->measure_start() && now <= phase_->measure_end()) {
      const int code = static_cast<int>(status.error_code());
      ++stats_.codes[code >= 0 && code < kCodes ? code : 2];
      if (status.ok()) {
        stats_.latencies_us.push_back(
            std::chrono::duration_cast<std::chrono::microseconds>(now -
                                                                  started_)
                .count());
      }
    }
    if (now < phase_->measure_end()) {
      Next();
    } else {
      phase_->SlotFinished();  // the last touch of `this` by gRPC's thread
    }
  }

  Phase* phase_ = nullptr;
  std::chrono::nanoseconds call_timeout_{};
  std::array<std::unique_ptr<grpc::ClientContext>, 2> contexts_;
  int turn_ = 0;
  Clock::time_point started_;
  Stats stats_;
};

class PingSlot : public Slot {
 public:
  explicit PingSlot(v1::SystemService::Stub* stub) : stub_(stub) {
    request_.set_payload("pumpurs-load");
  }

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    stub_->async()->Ping(ctx, &request_, &response_, std::move(done));
  }
  v1::SystemService::Stub* stub_;
  v1::PingRequest request_;
  v1::PingResponse response_;
};

class GetInstitutionSlot : public Slot {
 public:
  GetInstitutionSlot(v1::DirectoryService::Stub* stub, const std::string& name)
      : stub_(stub) {
    request_.set_name(name);
  }

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    stub_->async()->GetInstitution(ctx, &request_, &response_, std::move(done));
  }
  v1::DirectoryService::Stub* stub_;
  v1::GetInstitutionRequest request_;
  v1::Institution response_;
};

class ListInstitutionsSlot : public Slot {
 public:
  ListInstitutionsSlot(v1::DirectoryService::Stub* stub,
                       const std::string& municipality)
      : stub_(stub) {
    request_.set_municipality(municipality);
  }

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    stub_->async()->ListInstitutions(ctx, &request_, &response_,
                                     std::move(done));
  }
  v1::DirectoryService::Stub* stub_;
  v1::ListInstitutionsRequest request_;
  v1::ListInstitutionsResponse response_;
};

// Municipality codes are seven digits and unique in the database, so every
// create needs a code no run against this database has used. The space is
// cut into blocks by the first three digits (100..999); a run claims a block by
// creating the municipality with its code ...0000 (a block whose first code
// exists belongs to an earlier run) and then uses ...0001 to ...9999. The
// first block is claimed at random, later ones after it; a background
// thread keeps two claimed blocks ahead of the load, so a run can create
// as many municipalities as there are free codes without collisions.
class CodeSource {
 public:
  // Blocks 100..999 (codes 1000000 and up), so that the load never meets
  // the demo data's 09... codes.
  static constexpr int kFirstBlock = 100;
  static constexpr int kBlocks = 1000;
  static constexpr int64_t kPerBlock = 9999;  // codes after the probe

  CodeSource(v1::DirectoryService::Stub* stub, std::string run_tag,
             int first_block)
      : stub_(stub), run_tag_(std::move(run_tag)), cursor_(first_block) {}

  ~CodeSource() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    if (claimer_.joinable()) claimer_.join();
  }

  // Claims the next free block; returns its probe municipality's name.
  absl::StatusOr<std::string> Claim() {
    int tried = 0;
    int candidate;
    {
      absl::MutexLock lock(&mu_);
      candidate = cursor_;
    }
    for (; tried < kBlocks - kFirstBlock;
         ++tried, candidate = NextBlock(candidate)) {
      v1::CreateMunicipalityRequest req;
      req.mutable_municipality()->set_display_name(
          absl::StrCat("Slodzes novads ", run_tag_, " ", candidate));
      req.mutable_municipality()->set_code(
          absl::StrFormat("%03d0000", candidate));
      req.set_request_id(absl::StrCat("load-", run_tag_, "-block-", candidate));
      v1::Municipality resp;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
      SignCall(&ctx);
      grpc::Status s = stub_->CreateMunicipality(&ctx, req, &resp);
      if (s.ok()) {
        absl::MutexLock lock(&mu_);
        blocks_.push_back(candidate);
        cursor_ = NextBlock(candidate);
        return resp.name();
      }
      if (s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
        return absl::Status(
            static_cast<absl::StatusCode>(s.error_code()),
            absl::StrCat("claiming municipality codes: ", s.error_message()));
      }
    }
    return absl::ResourceExhaustedError(
        "every block of municipality codes is taken; use a fresh database");
  }

  // Starts the thread that claims blocks ahead of Next().
  void StartClaimer() {
    claimer_ = std::thread([this] {
      while (true) {
        {
          absl::MutexLock lock(&mu_);
          auto wanted = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
            return stop_ || (!exhausted_ &&
                             static_cast<int64_t>(blocks_.size()) * kPerBlock <
                                 next_ + 2 * kPerBlock);
          };
          mu_.Await(absl::Condition(&wanted));
          if (stop_) return;
        }
        absl::Status s = Claim().status();
        if (!s.ok()) {
          std::fprintf(stderr, "pumpurs-load: %s\n",
                       std::string(s.message()).c_str());
          absl::MutexLock lock(&mu_);
          exhausted_ = true;
        }
      }
    });
  }

  // The next unused (code, request_id). Waits if the claimer is behind;
  // once no block is left the code is empty (the call fails and counts as
  // an error).
  std::pair<std::string, std::string> Next() {
    absl::MutexLock lock(&mu_);
    const int64_t n = next_++;
    const size_t block = static_cast<size_t>(n / kPerBlock);
    auto ready = [this, block]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return blocks_.size() > block || exhausted_ || stop_;
    };
    mu_.Await(absl::Condition(&ready));
    std::string request_id = absl::StrCat("load-", run_tag_, "-", n);
    if (blocks_.size() <= block) return {"", std::move(request_id)};
    return {absl::StrFormat("%03d%04d", blocks_[block], 1 + n % kPerBlock),
            std::move(request_id)};
  }

  const std::string& run_tag() const { return run_tag_; }

 private:
  static int NextBlock(int block) {
    return block + 1 < kBlocks ? block + 1 : kFirstBlock;
  }

  v1::DirectoryService::Stub* const stub_;
  const std::string run_tag_;
  absl::Mutex mu_;
  int cursor_ ABSL_GUARDED_BY(mu_);               // next block to probe
  std::vector<int> blocks_ ABSL_GUARDED_BY(mu_);  // claimed, in use order
  int64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  bool exhausted_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread claimer_;
};

class CreateMunicipalitySlot : public Slot {
 public:
  CreateMunicipalitySlot(v1::DirectoryService::Stub* stub, CodeSource* codes)
      : stub_(stub), codes_(codes) {}

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    auto [code, request_id] = codes_->Next();
    request_.mutable_municipality()->set_display_name(
        absl::StrCat("Slodzes novads ", codes_->run_tag(), " ", code));
    request_.mutable_municipality()->set_code(code);
    request_.set_request_id(request_id);
    stub_->async()->CreateMunicipality(ctx, &request_, &response_,
                                       std::move(done));
  }
  v1::DirectoryService::Stub* stub_;
  CodeSource* codes_;
  v1::CreateMunicipalityRequest request_;
  v1::Municipality response_;
};

// Knowledge-base search: each call takes the next query of a fixed mix of
// what coordinators, parents and pupils type (whole words, inflected forms,
// diacritic-free spellings, prefixes, two-word queries), first page of 20.
constexpr const char* kSearchQueries[] = {
    "kavējumi",           "psihologs",        "mācīšanās grūtības",
    "kavejumi",           "ģimene konflikts", "skolotāja konsultācija",
    "motivācija",         "psihol",           "vardarbība",
    "transports",         "mentors",          "absences",
    "sociālais pedagogs", "ēdināšana",        "vecāki ārzemēs",
    "atbalsts",
};
constexpr int kSearchQueryCount =
    sizeof(kSearchQueries) / sizeof(kSearchQueries[0]);

class SearchArticlesSlot : public Slot {
 public:
  SearchArticlesSlot(v1::KnowledgeBaseService::Stub* stub, int first)
      : stub_(stub), next_(first) {}

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    request_.set_query(kSearchQueries[next_++ % kSearchQueryCount]);
    stub_->async()->SearchArticles(ctx, &request_, &response_, std::move(done));
  }
  v1::KnowledgeBaseService::Stub* stub_;
  int next_;
  v1::SearchArticlesRequest request_;
  v1::SearchArticlesResponse response_;
};

// Recommendations for a pupil with three risks of the seed taxonomy.
class RecommendMeasuresSlot : public Slot {
 public:
  explicit RecommendMeasuresSlot(v1::KnowledgeBaseService::Stub* stub)
      : stub_(stub) {
    const std::pair<const char*, v1::Severity> risks[] = {
        {"riskFactors/unjustified-absences", v1::SEVERITY_HIGH},
        {"riskFactors/learning-difficulties", v1::SEVERITY_MEDIUM},
        {"riskFactors/family-conflict", v1::SEVERITY_LOW},
    };
    for (const auto& [name, severity] : risks) {
      v1::AssessedRisk* r = request_.add_risks();
      r->set_risk_factor(name);
      r->set_severity(severity);
    }
    request_.set_grade(8);
    request_.set_institution_kind(
        v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
  }

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    stub_->async()->RecommendMeasures(ctx, &request_, &response_,
                                      std::move(done));
  }
  v1::KnowledgeBaseService::Stub* stub_;
  v1::RecommendMeasuresRequest request_;
  v1::RecommendMeasuresResponse response_;
};

// A head opening a plan of the institution: slot i reads the fixture's
// plan i mod n, so the reads spread over the plans as a school's do.
class GetSupportPlanSlot : public Slot {
 public:
  GetSupportPlanSlot(v1::SupportPlanService::Stub* stub,
                     const std::string& name)
      : stub_(stub) {
    request_.set_name(name);
  }

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    stub_->async()->GetSupportPlan(ctx, &request_, &response_, std::move(done));
  }
  v1::SupportPlanService::Stub* stub_;
  v1::GetSupportPlanRequest request_;
  v1::SupportPlan response_;
};

// The head's list of the institution's plans, first page of --list_size
// (at least that many plans exist: Prepare checks).
class ListSupportPlansSlot : public Slot {
 public:
  ListSupportPlansSlot(v1::SupportPlanService::Stub* stub,
                       const std::string& institution, int page_size)
      : stub_(stub) {
    request_.set_institution(institution);
    request_.set_page_size(page_size);
  }

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    stub_->async()->ListSupportPlans(ctx, &request_, &response_,
                                     std::move(done));
  }
  v1::SupportPlanService::Stub* stub_;
  v1::ListSupportPlansRequest request_;
  v1::ListSupportPlansResponse response_;
};

// Each call records a 1-minute on-site consultation dated today, signed by
// the pupil (KA form), under the next of the fixture's approved plans: slot
// i starts at plan i and goes round them all, so the writes spread over the
// plans as a school's consultations do rather than queueing on one plan.
// Every call carries its own request_id, as the client library's creates do.
class RecordDeliverySlot : public Slot {
 public:
  RecordDeliverySlot(v1::SupportPlanService::Stub* stub,
                     const pumpurs::bench::PlanFixture* plans,
                     const std::string& run_tag, int slot)
      : stub_(stub),
        plans_(plans),
        id_prefix_(absl::StrCat("load-", run_tag, "-delivery-", slot, "-")),
        next_(static_cast<size_t>(slot)) {
    v1::DeliveryRecord* d = request_.mutable_delivery();
    d->set_date(plans->today);
    d->set_duration_minutes(1);
    d->set_mode(v1::DELIVERY_MODE_ON_SITE);
    d->set_evidence(v1::EVIDENCE_TYPE_PUPIL_SIGNATURE);
  }

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    const size_t k = next_++ % plans_->plans.size();
    request_.set_parent(plans_->plans[k]);
    request_.mutable_delivery()->set_measure_id(plans_->measure_ids[k]);
    request_.set_request_id(absl::StrCat(id_prefix_, calls_++));
    stub_->async()->RecordDelivery(ctx, &request_, &response_, std::move(done));
  }
  v1::SupportPlanService::Stub* stub_;
  const pumpurs::bench::PlanFixture* plans_;
  const std::string id_prefix_;
  size_t next_;
  int64_t calls_ = 0;
  v1::RecordDeliveryRequest request_;
  v1::DeliveryRecord response_;
};

// Programme indicators for one fixed request (the fixture's).
class IndicatorsSlot : public Slot {
 public:
  IndicatorsSlot(v1::StatisticsService::Stub* stub,
                 const v1::GetProgrammeIndicatorsRequest& request)
      : stub_(stub), request_(request) {}

 private:
  void Issue(grpc::ClientContext* ctx, Done done) override {
    stub_->async()->GetProgrammeIndicators(ctx, &request_, &response_,
                                           std::move(done));
  }
  v1::StatisticsService::Stub* stub_;
  v1::GetProgrammeIndicatorsRequest request_;
  v1::ProgrammeIndicators response_;
};

struct Connections {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::SystemService::Stub>> system;
  std::vector<std::unique_ptr<v1::DirectoryService::Stub>> directory;
  std::vector<std::unique_ptr<v1::KnowledgeBaseService::Stub>> kb;
  std::vector<std::unique_ptr<v1::SupportPlanService::Stub>> plans;
  std::vector<std::unique_ptr<v1::StatisticsService::Stub>> stats;
};

absl::StatusOr<Connections> Connect(const std::string& target, int count) {
  Connections c;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Without these, channels to one target share one TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("pumpurs.load.channel", i);
    auto channel = grpc::CreateCustomChannel(
        target, grpc::InsecureChannelCredentials(), args);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::seconds(5))) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", target, " within 5 s"));
    }
    c.system.push_back(v1::SystemService::NewStub(channel));
    c.directory.push_back(v1::DirectoryService::NewStub(channel));
    c.kb.push_back(v1::KnowledgeBaseService::NewStub(channel));
    c.plans.push_back(v1::SupportPlanService::NewStub(channel));
    c.stats.push_back(v1::StatisticsService::NewStub(channel));
    c.channels.push_back(std::move(channel));
  }
  return c;
}

absl::Status FromGrpc(const grpc::Status& s, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(what, ": ", CodeName(s.error_code()), ": ",
                                   s.error_message()));
}

void SetPrepDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(10));
}

// Data the chosen RPC needs, created before the load starts.
struct Fixture {
  std::string municipality;  // "municipalities/{id}"
  std::vector<std::string> institutions;
  std::unique_ptr<CodeSource> codes;
  pumpurs::bench::PlanFixture plans;
  std::string run_tag;
  v1::GetProgrammeIndicatorsRequest indicators;
};

// The plans of the support-plan RPCs, made as the signed-in head; the
// approvers sign in only for record_delivery.
absl::Status PreparePlanRpc(Rpc rpc, Connections& conn, Fixture& f) {
  pumpurs::bench::PlanFixtureOptions o;
  o.count = absl::GetFlag(FLAGS_list_size);
  o.run_tag = f.run_tag;
  o.head_authorization = Authorization();
  if (rpc == Rpc::kRecordDelivery) {
    o.approve = true;
    const std::vector<std::string> approvers = absl::StrSplit(
        absl::GetFlag(FLAGS_approver_usernames), ',', absl::SkipEmpty());
    if (approvers.size() != 2) {
      return absl::InvalidArgumentError(
          "--approver_usernames must name the municipality coordinator and "
          "the national administrator, e.g. pasvaldiba1,admin");
    }
    std::string* const tokens[] = {&o.municipality_authorization,
                                   &o.national_authorization};
    for (size_t i = 0; i < approvers.size(); ++i) {
      absl::StatusOr<std::string> token =
          SignInAs(conn.channels.front(), approvers[i]);
      if (!token.ok()) return token.status();
      *tokens[i] = *std::move(token);
    }
  }
  absl::StatusOr<pumpurs::bench::PlanFixture> plans =
      pumpurs::bench::PreparePlans(conn.channels.front(), o);
  if (!plans.ok()) return plans.status();
  f.plans = *std::move(plans);
  if (rpc != Rpc::kListSupportPlans) return absl::OkStatus();

  // The page must be full, or the load would measure a shorter list.
  v1::ListSupportPlansRequest req;
  req.set_institution(f.plans.institution);
  req.set_page_size(o.count);
  v1::ListSupportPlansResponse resp;
  grpc::ClientContext ctx;
  SetPrepDeadline(&ctx);
  SignCall(&ctx);
  grpc::Status s = conn.plans.front()->ListSupportPlans(&ctx, req, &resp);
  if (!s.ok()) return FromGrpc(s, "prepare: ListSupportPlans");
  if (resp.support_plans_size() < o.count) {
    return absl::InternalError(absl::StrCat(
        "prepare: ListSupportPlans returned ", resp.support_plans_size(),
        " plans of ", f.plans.institution, ", fewer than the ", o.count,
        " just created"));
  }
  return absl::OkStatus();
}

// The request of the *_indicators RPCs; the municipality and institution
// scopes default to the directory's first municipality and its first
// institution.
absl::Status PrepareStatsRpc(Rpc rpc, Connections& conn, Fixture& f) {
  v1::GetProgrammeIndicatorsRequest& req = f.indicators;
  const int year = absl::GetFlag(FLAGS_stats_school_year);
  if (rpc == Rpc::kRangeIndicators) {
    req.mutable_period()->mutable_school_years()->set_first_school_year(
        absl::GetFlag(FLAGS_stats_first_school_year));
    req.mutable_period()->mutable_school_years()->set_last_school_year(year);
  } else {
    req.mutable_period()->set_school_year(year);
  }
  if (rpc != Rpc::kMunicipalityIndicators &&
      rpc != Rpc::kInstitutionIndicators) {
    return absl::OkStatus();
  }
  v1::DirectoryService::Stub& dir = *conn.directory.front();
  std::string municipality = absl::GetFlag(FLAGS_stats_municipality);
  if (municipality.empty()) {
    v1::ListMunicipalitiesRequest lr;
    lr.set_page_size(1);
    v1::ListMunicipalitiesResponse resp;
    grpc::ClientContext ctx;
    SetPrepDeadline(&ctx);
    SignCall(&ctx);
    grpc::Status s = dir.ListMunicipalities(&ctx, lr, &resp);
    if (!s.ok()) return FromGrpc(s, "prepare: ListMunicipalities");
    if (resp.municipalities_size() == 0) {
      return absl::FailedPreconditionError(
          "prepare: the directory has no municipality (generate a data set "
          "with pumpurs-stats-generate)");
    }
    municipality = resp.municipalities(0).name();
  }
  if (rpc == Rpc::kMunicipalityIndicators) {
    req.mutable_scope()->set_municipality(municipality);
    std::printf("scope: %s\n", municipality.c_str());
    return absl::OkStatus();
  }
  std::string institution = absl::GetFlag(FLAGS_stats_institution);
  if (institution.empty()) {
    v1::ListInstitutionsRequest lr;
    lr.set_page_size(1);
    lr.set_municipality(municipality);
    v1::ListInstitutionsResponse resp;
    grpc::ClientContext ctx;
    SetPrepDeadline(&ctx);
    SignCall(&ctx);
    grpc::Status s = dir.ListInstitutions(&ctx, lr, &resp);
    if (!s.ok()) return FromGrpc(s, "prepare: ListInstitutions");
    if (resp.institutions_size() == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("prepare: ", municipality, " has no institution"));
    }
    institution = resp.institutions(0).name();
  }
  req.mutable_scope()->set_institution(institution);
  std::printf("scope: %s\n", institution.c_str());
  return absl::OkStatus();
}

absl::StatusOr<Fixture> Prepare(Rpc rpc, Connections& conn) {
  Fixture f;
  absl::BitGen gen;
  f.run_tag = absl::StrFormat("%08x", absl::Uniform<uint32_t>(gen));
  const std::string& run_tag = f.run_tag;
  if (rpc == Rpc::kPing || rpc == Rpc::kSearchArticles ||
      rpc == Rpc::kRecommendMeasures) {
    return f;  // the knowledge base is read as it is (pumpurs-kb-generate)
  }
  if (IsPlanRpc(rpc)) {
    if (absl::Status s = PreparePlanRpc(rpc, conn, f); !s.ok()) return s;
    return f;
  }
  if (IsStatsRpc(rpc)) {
    if (absl::Status s = PrepareStatsRpc(rpc, conn, f); !s.ok()) return s;
    return f;
  }
  v1::DirectoryService::Stub& dir = *conn.directory.front();

  // The first claimed block's probe municipality is also the one the
  // institutions go into.
  f.codes = std::make_unique<CodeSource>(
      &dir, run_tag,
      absl::Uniform(gen, CodeSource::kFirstBlock, CodeSource::kBlocks));
  absl::StatusOr<std::string> municipality = f.codes->Claim();
  if (!municipality.ok()) {
    return absl::Status(
        municipality.status().code(),
        absl::StrCat("prepare: ", municipality.status().message()));
  }
  f.municipality = *municipality;
  if (rpc == Rpc::kCreateMunicipality) f.codes->StartClaimer();

  int institutions = 0;
  if (rpc == Rpc::kGetInstitution) institutions = 1;
  if (rpc == Rpc::kListInstitutions) {
    institutions = std::max(0, absl::GetFlag(FLAGS_list_size));
  }
  for (int i = 0; i < institutions; ++i) {
    grpc::Status s;
    for (int attempt = 0; attempt < 10; ++attempt) {
      v1::CreateInstitutionRequest req;
      v1::Institution* in = req.mutable_institution();
      in->set_display_name(
          absl::StrCat("Slodzes ", i + 1, ". vidusskola ", run_tag));
      in->set_kind(v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
      in->set_municipality(f.municipality);
      in->set_registration_number(absl::StrFormat(
          "%010d", absl::Uniform<int64_t>(gen, 0, 10000000000)));
      req.set_request_id(
          absl::StrCat("load-", run_tag, "-inst-", i, "-", attempt));
      v1::Institution resp;
      grpc::ClientContext ctx;
      SetPrepDeadline(&ctx);
      SignCall(&ctx);
      s = dir.CreateInstitution(&ctx, req, &resp);
      if (s.ok()) {
        f.institutions.push_back(resp.name());
        break;
      }
      if (s.error_code() != grpc::StatusCode::ALREADY_EXISTS) break;
    }
    if (!s.ok()) return FromGrpc(s, "prepare: CreateInstitution");
  }
  return f;
}

struct Result {
  Rpc rpc = Rpc::kPing;
  int64_t calls = 0;  // completed in the window, any status
  int64_t ok = 0;
  double seconds = 0;
  double throughput = 0;  // OK calls per second
  int64_t p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
  std::array<int64_t, kCodes> codes{};
  double client_cpu = 0;   // cores
  double server_cpu = -1;  // cores; < 0 unknown
  double others_cpu = -1;  // cores used by everything else; < 0 unknown
  bool drained = true;     // every slot stopped in time
};

int64_t Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(p * sorted.size() + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

struct Options {
  int concurrency;
  absl::Duration duration;
  absl::Duration warmup;
  absl::Duration call_timeout;
  int server_pid;
};

Result RunPhase(Rpc rpc, Connections& conn, const Fixture& fixture,
                const Options& o) {
  std::vector<std::unique_ptr<Slot>> slots;
  for (int i = 0; i < o.concurrency; ++i) {
    const size_t c = i % conn.channels.size();
    switch (rpc) {
      case Rpc::kPing:
        slots.push_back(std::make_unique<PingSlot>(conn.system[c].get()));
        break;
      case Rpc::kGetInstitution:
        slots.push_back(std::make_unique<GetInstitutionSlot>(
            conn.directory[c].get(), fixture.institutions.front()));
        break;
      case Rpc::kListInstitutions:
        slots.push_back(std::make_unique<ListInstitutionsSlot>(
            conn.directory[c].get(), fixture.municipality));
        break;
      case Rpc::kCreateMunicipality:
        slots.push_back(std::make_unique<CreateMunicipalitySlot>(
            conn.directory[c].get(), fixture.codes.get()));
        break;
      case Rpc::kSearchArticles:
        slots.push_back(
            std::make_unique<SearchArticlesSlot>(conn.kb[c].get(), i));
        break;
      case Rpc::kRecommendMeasures:
        slots.push_back(
            std::make_unique<RecommendMeasuresSlot>(conn.kb[c].get()));
        break;
      case Rpc::kGetSupportPlan:
        slots.push_back(std::make_unique<GetSupportPlanSlot>(
            conn.plans[c].get(),
            fixture.plans.plans[i % fixture.plans.plans.size()]));
        break;
      case Rpc::kListSupportPlans:
        slots.push_back(std::make_unique<ListSupportPlansSlot>(
            conn.plans[c].get(), fixture.plans.institution,
            static_cast<int>(fixture.plans.plans.size())));
        break;
      case Rpc::kRecordDelivery:
        slots.push_back(std::make_unique<RecordDeliverySlot>(
            conn.plans[c].get(), &fixture.plans, fixture.run_tag, i));
        break;
      case Rpc::kNationalIndicators:
      case Rpc::kMunicipalityIndicators:
      case Rpc::kInstitutionIndicators:
      case Rpc::kRangeIndicators:
        slots.push_back(std::make_unique<IndicatorsSlot>(conn.stats[c].get(),
                                                         fixture.indicators));
        break;
    }
  }
  const Clock::time_point start = Clock::now();
  const Clock::time_point measure_start =
      start + absl::ToChronoNanoseconds(o.warmup);
  const Clock::time_point measure_end =
      measure_start + absl::ToChronoNanoseconds(o.duration);
  Phase phase(measure_start, measure_end, o.concurrency);
  for (auto& slot : slots) slot->Run(&phase, o.call_timeout);

  std::this_thread::sleep_until(measure_start);
  const CpuSample cpu0 = SampleCpu(o.server_pid);
  std::this_thread::sleep_until(measure_end);
  const CpuSample cpu1 = SampleCpu(o.server_pid);

  Result r;
  r.rpc = rpc;
  // Every call has a deadline, so the slots stop by themselves; the margin
  // only guards against a stuck client library.
  r.drained = phase.WaitAllFinished(o.call_timeout + absl::Seconds(5));
  if (!r.drained) {
    std::fprintf(stderr,
                 "pumpurs-load: some calls did not finish after their "
                 "deadline; giving up on them\n");
    // The slots may still be referenced by gRPC: leak them.
    for (auto& slot : slots) slot.release();
    return r;
  }

  std::vector<int64_t> all;
  for (const auto& slot : slots) {
    const Stats& s = slot->stats();
    all.insert(all.end(), s.latencies_us.begin(), s.latencies_us.end());
    for (int c = 0; c < kCodes; ++c) r.codes[c] += s.codes[c];
  }
  std::sort(all.begin(), all.end());
  r.seconds = absl::ToDoubleSeconds(o.duration);
  r.ok = static_cast<int64_t>(all.size());
  for (int64_t n : r.codes) r.calls += n;
  r.throughput = r.seconds > 0 ? r.ok / r.seconds : 0;
  r.p50_us = Percentile(all, 0.50);
  r.p90_us = Percentile(all, 0.90);
  r.p99_us = Percentile(all, 0.99);
  r.max_us = all.empty() ? 0 : all.back();
  r.client_cpu = (cpu1.self_s - cpu0.self_s) / r.seconds;
  if (cpu0.other_s >= 0 && cpu1.other_s >= 0) {
    r.server_cpu = (cpu1.other_s - cpu0.other_s) / r.seconds;
  }
  if (cpu0.machine_s >= 0 && cpu1.machine_s >= 0) {
    // What neither this process nor the server used: other load on the
    // machine, which makes the numbers noisy.
    r.others_cpu =
        std::max(0.0, (cpu1.machine_s - cpu0.machine_s) / r.seconds -
                          r.client_cpu - std::max(0.0, r.server_cpu));
  }
  return r;
}

std::string ErrorsText(const Result& r) {
  std::string out;
  for (int c = 1; c < kCodes; ++c) {
    if (r.codes[c] == 0) continue;
    absl::StrAppend(&out, out.empty() ? "" : " ", CodeName(c), "=", r.codes[c]);
  }
  return out.empty() ? "-" : out;
}

std::string ResultJson(const Result& r) {
  std::string errors;
  for (int c = 1; c < kCodes; ++c) {
    if (r.codes[c] == 0) continue;
    absl::StrAppend(&errors, errors.empty() ? "" : ",", "\"", CodeName(c),
                    "\":", r.codes[c]);
  }
  std::string out = absl::StrFormat(
      "{\"rpc\":\"%s\",\"calls\":%d,\"ok\":%d,\"seconds\":%.3f,"
      "\"throughput\":%.1f,\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,"
      "\"max_us\":%d,\"errors\":{%s},\"client_cpu_cores\":%.2f",
      RpcName(r.rpc), r.calls, r.ok, r.seconds, r.throughput, r.p50_us,
      r.p90_us, r.p99_us, r.max_us, errors, r.client_cpu);
  if (r.server_cpu >= 0) {
    absl::StrAppendFormat(&out, ",\"server_cpu_cores\":%.2f", r.server_cpu);
  }
  if (r.others_cpu >= 0) {
    absl::StrAppendFormat(&out, ",\"others_cpu_cores\":%.2f", r.others_cpu);
  }
  out.push_back('}');
  return out;
}

std::string CpuText(double cores) {
  return cores >= 0 ? absl::StrFormat("%.2f", cores) : "-";
}

void PrintRow(const Result& r) {
  std::printf(
      "%-20s %10lld %11.1f %9lld %9lld %9lld %10lld %7s %7s %7s  %s\n",
      RpcName(r.rpc), static_cast<long long>(r.calls), r.throughput,
      static_cast<long long>(r.p50_us), static_cast<long long>(r.p90_us),
      static_cast<long long>(r.p99_us), static_cast<long long>(r.max_us),
      CpuText(r.client_cpu).c_str(), CpuText(r.server_cpu).c_str(),
      CpuText(r.others_cpu).c_str(), ErrorsText(r).c_str());
}

// The first `n` calls of `rpc`, one after another, before any load: their
// latencies in microseconds (-1 for a failed call, which is printed).
std::vector<int64_t> ColdCalls(Rpc rpc, Connections& conn,
                               const Fixture& fixture, int n,
                               absl::Duration call_timeout) {
  std::vector<int64_t> out;
  for (int i = 0; i < n; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoNanoseconds(call_timeout));
    SignCall(&ctx);
    grpc::Status s;
    std::string about;
    const Clock::time_point start = Clock::now();
    if (IsStatsRpc(rpc)) {
      v1::ProgrammeIndicators resp;
      s = conn.stats.front()->GetProgrammeIndicators(&ctx, fixture.indicators,
                                                     &resp);
      // Aggregates only, to see that the data set is what was meant.
      about = absl::StrFormat(
          " (%d bytes; pupils supported %s, institutions involved %d)",
          resp.ByteSizeLong(),
          resp.pupils_supported().suppressed()
              ? "suppressed"
              : absl::StrCat(resp.pupils_supported().value()).c_str(),
          resp.institutions_involved());
    } else if (rpc == Rpc::kPing) {
      v1::PingRequest req;
      v1::PingResponse resp;
      s = conn.system.front()->Ping(&ctx, req, &resp);
    } else {
      std::fprintf(stderr,
                   "pumpurs-load: --cold_calls is for ping and the "
                   "*_indicators RPCs\n");
      return out;
    }
    const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                           Clock::now() - start)
                           .count();
    if (!s.ok()) {
      std::printf("cold call %d: %s: %s\n", i + 1, CodeName(s.error_code()),
                  s.error_message().c_str());
      out.push_back(-1);
      continue;
    }
    std::printf("cold call %d: %.1f ms%s\n", i + 1, us / 1000.0, about.c_str());
    out.push_back(us);
  }
  std::fflush(stdout);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Closed-loop gRPC load against a Pumpurs server on loopback.\n"
      "Example: pumpurs-load --target 127.0.0.1:50051 --rpc get_institution "
      "--concurrency 32 --duration 10s");
  absl::ParseCommandLine(argc, argv);

  const std::string target = absl::GetFlag(FLAGS_target);
  const std::optional<Rpc> rpc = ParseRpc(absl::GetFlag(FLAGS_rpc));
  Options o;
  o.concurrency = absl::GetFlag(FLAGS_concurrency);
  o.duration = absl::GetFlag(FLAGS_duration);
  o.warmup = absl::GetFlag(FLAGS_warmup);
  o.call_timeout = absl::GetFlag(FLAGS_call_timeout);
  o.server_pid = absl::GetFlag(FLAGS_server_pid);
  int channels = absl::GetFlag(FLAGS_channels);
  if (channels == 0) channels = std::min(o.concurrency, 4);

  if (!IsLoopbackTarget(target)) {
    std::fprintf(stderr,
                 "pumpurs-load: --target must be a loopback host:port "
                 "(127.x.x.x, localhost or [::1]), got \"%s\"\n",
                 target.c_str());
    return 2;
  }
  if (!rpc) {
    std::fprintf(stderr,
                 "pumpurs-load: --rpc must be ping, get_institution, "
                 "list_institutions, create_municipality, search_articles, "
                 "recommend_measures, get_support_plan, list_support_plans, "
                 "record_delivery, national_indicators, "
                 "municipality_indicators, institution_indicators or "
                 "range_indicators\n");
    return 2;
  }
  if (IsPlanRpc(*rpc) && absl::GetFlag(FLAGS_list_size) < 1) {
    std::fprintf(stderr,
                 "pumpurs-load: --list_size must be at least 1 for %s\n",
                 RpcName(*rpc));
    return 2;
  }
  if (o.concurrency < 1 || o.concurrency > 10000) {
    std::fprintf(stderr, "pumpurs-load: --concurrency must be 1..10000\n");
    return 2;
  }
  if (channels < 1 || channels > o.concurrency) {
    std::fprintf(stderr, "pumpurs-load: --channels must be 1..concurrency\n");
    return 2;
  }
  if (o.duration <= absl::ZeroDuration() || o.duration > absl::Hours(1) ||
      o.warmup < absl::ZeroDuration() || o.warmup > absl::Hours(1) ||
      o.call_timeout <= absl::ZeroDuration()) {
    std::fprintf(stderr,
                 "pumpurs-load: --duration must be in (0, 1h], --warmup in "
                 "[0, 1h], --call_timeout > 0\n");
    return 2;
  }

  absl::StatusOr<Connections> conn = Connect(target, channels);
  if (!conn.ok()) {
    std::fprintf(stderr, "pumpurs-load: %s\n",
                 std::string(conn.status().message()).c_str());
    return 1;
  }
  std::string username = absl::GetFlag(FLAGS_username);
  if (username.empty()) username = IsPlanRpc(*rpc) ? "direktors1" : "admin";
  absl::StatusOr<std::string> token =
      SignInAs(conn->channels.front(), username);
  if (!token.ok()) {
    std::fprintf(stderr, "pumpurs-load: %s\n",
                 std::string(token.status().message()).c_str());
    return 1;
  }
  Authorization() = *std::move(token);
  absl::StatusOr<Fixture> fixture = Prepare(*rpc, *conn);
  if (!fixture.ok()) {
    std::fprintf(stderr, "pumpurs-load: %s\n",
                 std::string(fixture.status().message()).c_str());
    return 1;
  }

  const std::vector<int64_t> cold = ColdCalls(
      *rpc, *conn, *fixture, absl::GetFlag(FLAGS_cold_calls), o.call_timeout);

  std::optional<Result> baseline;
  if (absl::GetFlag(FLAGS_baseline) && *rpc != Rpc::kPing) {
    baseline = RunPhase(Rpc::kPing, *conn, *fixture, o);
    if (!baseline->drained) return 1;
  }
  const Result result = RunPhase(*rpc, *conn, *fixture, o);
  if (!result.drained) return 1;
  const double ratio = baseline && baseline->throughput > 0
                           ? result.throughput / baseline->throughput
                           : (*rpc == Rpc::kPing ? 1.0 : -1.0);

  std::printf(
      "pumpurs-load: target %s, concurrency %d, channels %d, warmup %s, "
      "duration %s\n",
      target.c_str(), o.concurrency, channels,
      absl::FormatDuration(o.warmup).c_str(),
      absl::FormatDuration(o.duration).c_str());
  // CPU columns are cores busy during the measured window: this client,
  // the server (--server_pid) and everything else on the machine.
  std::printf("%-20s %10s %11s %9s %9s %9s %10s %7s %7s %7s  %s\n", "rpc",
              "calls", "ok_calls/s", "p50_us", "p90_us", "p99_us", "max_us",
              "cli_cpu", "srv_cpu", "oth_cpu", "errors");
  if (baseline) PrintRow(*baseline);
  PrintRow(result);
  if (ratio >= 0) {
    std::printf("%s throughput / ping throughput = %.3f\n", RpcName(*rpc),
                ratio);
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::string cold_json;
    for (int64_t us : cold) {
      absl::StrAppend(&cold_json, cold_json.empty() ? "" : ",", us);
    }
    std::printf(
        "{\"target\":\"%s\",\"concurrency\":%d,\"channels\":%d,"
        "\"warmup_s\":%.3f,\"duration_s\":%.3f,\"result\":%s,\"baseline\":%s,"
        "\"ratio_vs_ping\":%s,\"cold_us\":[%s]}\n",
        target.c_str(), o.concurrency, channels,
        absl::ToDoubleSeconds(o.warmup), absl::ToDoubleSeconds(o.duration),
        ResultJson(result).c_str(),
        baseline ? ResultJson(*baseline).c_str() : "null",
        ratio >= 0 ? absl::StrFormat("%.4f", ratio).c_str() : "null",
        cold_json.c_str());
  }
  std::fflush(stdout);
  // Failing calls are reported, not fatal; a run with no successful call
  // proves nothing and fails.
  return result.ok > 0 && (!baseline || baseline->ok > 0) ? 0 : 1;
}
