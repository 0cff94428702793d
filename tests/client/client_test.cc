// The client library against a real in-process server (every typed call,
// errors with reasons and field violations, idempotent creates, paging,
// deadlines), plus a small fake server for what the real one cannot show:
// the metadata a call carries, the request_id the client generates and the
// retry policy of the built-in service config.

#include "pumpurs/client/client.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client-lib/src/grpc_error.h"
#include "client-lib/src/request_id.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/v1/directory.grpc.pb.h"
#include "pumpurs/v1/system.grpc.pb.h"
#include "server/auth/audit.h"
#include "server/common/error.h"
#include "server/rpc/grpc_status.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs::client {
namespace {

using ::pumpurs::testing::HasReason;
using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : FieldViolations(status)) {
    out.push_back(v.field);
  }
  return out;
}

std::unique_ptr<Client> MustCreate(const ClientOptions& options) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_THAT(client.status(), IsOk());
  return client.ok() ? *std::move(client) : nullptr;
}

// A client of `target` that signs its calls with `access_token` (e.g. a
// TestServer's AdminToken(); the directory needs a signed-in caller).
std::unique_ptr<Client> ClientFor(const std::string& target,
                                  const std::string& access_token = "") {
  ClientOptions options;
  options.target = target;
  options.access_token = access_token;
  return MustCreate(options);
}

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() : client_(ClientFor(server_.target(), server_.AdminToken())) {}

  v1::Municipality CreateMunicipality(const std::string& display_name,
                                      const std::string& code) {
    v1::CreateMunicipalityRequest req;
    req.mutable_municipality()->set_display_name(display_name);
    req.mutable_municipality()->set_code(code);
    absl::StatusOr<v1::Municipality> m = client_->CreateMunicipality(req);
    EXPECT_THAT(m, IsOk());
    return m.ok() ? *m : v1::Municipality();
  }

  v1::CreateInstitutionRequest SchoolRequest(const std::string& municipality,
                                             const std::string& display_name,
                                             const std::string& number) {
    v1::CreateInstitutionRequest req;
    v1::Institution* i = req.mutable_institution();
    i->set_display_name(display_name);
    i->set_kind(v1::INSTITUTION_KIND_MUNICIPAL_GENERAL_SCHOOL);
    i->set_municipality(municipality);
    i->set_registration_number(number);
    return req;
  }

  int CountInstitutions() {
    v1::ListInstitutionsRequest req;
    req.set_page_size(500);
    absl::StatusOr<v1::ListInstitutionsResponse> resp =
        client_->ListInstitutions(req);
    EXPECT_THAT(resp, IsOk());
    return resp.ok() ? resp->institutions_size() : -1;
  }

  TestServer server_;
  std::unique_ptr<Client> client_;
};

// ---- options ----

TEST(ClientCreateTest, RejectsBadOptionsWithoutEchoingTheToken) {
  ClientOptions options;
  options.target = "";
  EXPECT_THAT(Client::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument));

  options.target = "127.0.0.1:1";
  options.default_deadline = absl::ZeroDuration();
  EXPECT_THAT(Client::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument));

  options.default_deadline = absl::Seconds(1);
  options.access_token = "s3cr3t\r\nx-evil: 1";
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_THAT(client, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(client.status().message()),
              Not(::testing::HasSubstr("s3cr3t")));

  options.access_token = "token";
  options.tls_root_certs_pem = "not a certificate";  // checked on connect
  options.gzip = true;
  EXPECT_THAT(Client::Create(options), IsOk());
}

// ---- SystemService and health ----

TEST_F(ClientTest, PingEchoesThePayload) {
  v1::PingRequest req;
  req.set_payload("labdien");
  absl::StatusOr<v1::PingResponse> resp = client_->Ping(req);
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->payload(), "labdien");

  req.set_payload(std::string(1025, 'x'));
  absl::StatusOr<v1::PingResponse> too_long = client_->Ping(req);
  EXPECT_THAT(too_long, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorReason(too_long.status()), "INVALID_ARGUMENT");
  EXPECT_THAT(Fields(too_long.status()), ElementsAre("payload"));
}

TEST_F(ClientTest, GetServerInfoReportsVersionAndSchema) {
  absl::StatusOr<v1::ServerInfo> info = client_->GetServerInfo();
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->version(), PUMPURS_VERSION);
  EXPECT_GT(info->schema_version(), 0);
  EXPECT_GT(info->start_time().seconds(), 0);
}

TEST_F(ClientTest, HealthIsServingAndUnknownServicesAreNotFound) {
  absl::StatusOr<ServingStatus> health = client_->Health();
  ASSERT_THAT(health, IsOk());
  EXPECT_EQ(*health, ServingStatus::kServing);
  EXPECT_EQ(ServingStatusName(*health), "SERVING");
  EXPECT_THAT(client_->Health("no.such.Service"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ClientTest, StoppedServerIsUnavailableWithoutReason) {
  server_.Stop();
  ClientOptions options;
  options.target = server_.target();
  options.default_deadline = absl::Seconds(5);
  std::unique_ptr<Client> client = MustCreate(options);
  absl::StatusOr<v1::PingResponse> resp = client->Ping({});
  EXPECT_THAT(resp, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(ErrorReason(resp.status()), "");
  EXPECT_THAT(FieldViolations(resp.status()), IsEmpty());
}

// ---- municipalities ----

TEST_F(ClientTest, MunicipalityCreateGetListUpdate) {
  v1::Municipality m = CreateMunicipality("Ogres novads", "0740201");
  EXPECT_THAT(m.name(), StartsWith("municipalities/"));
  EXPECT_FALSE(m.etag().empty());

  v1::GetMunicipalityRequest get;
  get.set_name(m.name());
  absl::StatusOr<v1::Municipality> got = client_->GetMunicipality(get);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->SerializeAsString(), m.SerializeAsString());

  absl::StatusOr<v1::ListMunicipalitiesResponse> list =
      client_->ListMunicipalities({});
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->municipalities_size(), 1);
  EXPECT_EQ(list->municipalities(0).name(), m.name());
  EXPECT_EQ(list->next_page_token(), "");

  v1::UpdateMunicipalityRequest update;
  update.mutable_municipality()->set_name(m.name());
  update.mutable_municipality()->set_display_name("Ogres novads (jauns)");
  update.mutable_municipality()->set_etag(m.etag());
  update.mutable_update_mask()->add_paths("display_name");
  absl::StatusOr<v1::Municipality> updated =
      client_->UpdateMunicipality(update);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->display_name(), "Ogres novads (jauns)");
  EXPECT_EQ(updated->code(), "0740201");
  EXPECT_NE(updated->etag(), m.etag());

  // The same update again carries a stale etag.
  absl::StatusOr<v1::Municipality> stale = client_->UpdateMunicipality(update);
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(ErrorReason(stale.status()), "ETAG_MISMATCH");

  get.set_name("municipalities/nosuchone");
  absl::StatusOr<v1::Municipality> missing = client_->GetMunicipality(get);
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(ErrorReason(missing.status()), "RESOURCE_NOT_FOUND");
}

TEST_F(ClientTest, DuplicateCodeIsAlreadyExistsWithReason) {
  CreateMunicipality("Ogres novads", "0740201");
  v1::CreateMunicipalityRequest req;
  req.mutable_municipality()->set_display_name("Cits novads");
  req.mutable_municipality()->set_code("0740201");
  absl::StatusOr<v1::Municipality> dup = client_->CreateMunicipality(req);
  EXPECT_THAT(dup, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(ErrorReason(dup.status()), "MUNICIPALITY_CODE_TAKEN");
}

// ---- institutions ----

TEST_F(ClientTest, InstitutionCreateGetListUpdateDelete) {
  v1::Municipality m = CreateMunicipality("Ogres novads", "0740201");
  v1::Municipality other = CreateMunicipality("Cēsu novads", "0420201");
  absl::StatusOr<v1::Institution> inst = client_->CreateInstitution(
      SchoolRequest(m.name(), "Ogres 1. vidusskola", "4313900100"));
  ASSERT_THAT(inst, IsOk());
  EXPECT_THAT(inst->name(), StartsWith("institutions/"));
  auto college = SchoolRequest(other.name(), "Cēsu koledža", "4313900101");
  college.mutable_institution()->set_kind(v1::INSTITUTION_KIND_COLLEGE);
  ASSERT_THAT(client_->CreateInstitution(college), IsOk());

  v1::GetInstitutionRequest get;
  get.set_name(inst->name());
  absl::StatusOr<v1::Institution> got = client_->GetInstitution(get);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->SerializeAsString(), inst->SerializeAsString());

  v1::ListInstitutionsRequest list;
  list.set_municipality(m.name());
  absl::StatusOr<v1::ListInstitutionsResponse> of_m =
      client_->ListInstitutions(list);
  ASSERT_THAT(of_m, IsOk());
  ASSERT_EQ(of_m->institutions_size(), 1);
  EXPECT_EQ(of_m->institutions(0).name(), inst->name());
  list.Clear();
  list.set_kind(v1::INSTITUTION_KIND_COLLEGE);
  absl::StatusOr<v1::ListInstitutionsResponse> colleges =
      client_->ListInstitutions(list);
  ASSERT_THAT(colleges, IsOk());
  ASSERT_EQ(colleges->institutions_size(), 1);
  EXPECT_EQ(colleges->institutions(0).display_name(), "Cēsu koledža");

  v1::UpdateInstitutionRequest update;
  update.mutable_institution()->set_name(inst->name());
  update.mutable_institution()->set_display_name("Ogres Valsts ģimnāzija");
  update.mutable_institution()->set_etag(inst->etag());
  update.mutable_update_mask()->add_paths("display_name");
  absl::StatusOr<v1::Institution> updated = client_->UpdateInstitution(update);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->display_name(), "Ogres Valsts ģimnāzija");
  EXPECT_EQ(updated->registration_number(), "4313900100");

  v1::DeleteInstitutionRequest del;
  del.set_name(inst->name());
  del.set_etag(inst->etag());  // stale since the update
  absl::Status stale = client_->DeleteInstitution(del);
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(ErrorReason(stale), "ETAG_MISMATCH");
  del.set_etag(updated->etag());
  EXPECT_THAT(client_->DeleteInstitution(del), IsOk());
  absl::StatusOr<v1::Institution> gone = client_->GetInstitution(get);
  EXPECT_THAT(gone, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(ErrorReason(gone.status()), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(CountInstitutions(), 1);
}

TEST(ClientDemoTest, DeletingAnInstitutionWithPupilsFailsWithReason) {
  TestServer server(/*demo=*/true);
  std::unique_ptr<Client> client =
      ClientFor(server.target(), server.AdminToken());
  absl::StatusOr<v1::ListInstitutionsResponse> list =
      client->ListInstitutions({});
  ASSERT_THAT(list, IsOk());
  ASSERT_GE(list->institutions_size(), 1);
  v1::DeleteInstitutionRequest del;
  del.set_name(list->institutions(0).name());
  absl::Status s = client->DeleteInstitution(del);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ErrorReason(s), "INSTITUTION_NOT_EMPTY");
}

// ---- errors ----

TEST_F(ClientTest, InvalidCreateCarriesReasonAndEveryFieldViolation) {
  CreateMunicipality("Ogres novads", "0740201");
  v1::CreateInstitutionRequest req;
  v1::Institution* bad = req.mutable_institution();
  bad->set_display_name(std::string(201, 'x'));
  bad->set_kind(static_cast<v1::InstitutionKind>(42));
  bad->set_municipality("municipalities/doesnotexist");
  bad->set_registration_number("12ab");
  absl::StatusOr<v1::Institution> created = client_->CreateInstitution(req);
  const absl::Status& s = created.status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorReason(s), "INVALID_ARGUMENT");
  EXPECT_THAT(Fields(s), UnorderedElementsAre(
                             "institution.display_name", "institution.kind",
                             "institution.municipality",
                             "institution.registration_number"));
  for (const FieldViolation& v : FieldViolations(s)) {
    EXPECT_FALSE(v.description.empty()) << v.field;
  }
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("institution.kind"));
  // The same payloads the server's error model reads.
  EXPECT_EQ(::pumpurs::ReasonOf(s), "INVALID_ARGUMENT");
  EXPECT_THAT(::pumpurs::FieldViolationsOf(s), SizeIs(4));
  EXPECT_THAT(s, HasReason("INVALID_ARGUMENT"));
  EXPECT_EQ(CountInstitutions(), 0);
}

TEST(GrpcErrorTest, RoundTripsTheServersWireEncoding) {
  absl::Status domain = WithFieldViolations(
      Error(absl::StatusCode::kInvalidArgument, "SOME_REASON", "bad input"),
      {{"a.b", "must be set"}, {"c", "too long"}});
  absl::Status back = internal::FromGrpcStatus(rpc::ToGrpcStatus(domain));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back.message(), "bad input");
  EXPECT_EQ(ErrorReason(back), "SOME_REASON");
  EXPECT_THAT(FieldViolations(back),
              ElementsAre(FieldViolation{"a.b", "must be set"},
                          FieldViolation{"c", "too long"}));
  // The server fills in a reason derived from the code.
  absl::Status plain =
      internal::FromGrpcStatus(rpc::ToGrpcStatus(absl::NotFoundError("x")));
  EXPECT_EQ(ErrorReason(plain), "NOT_FOUND");
  EXPECT_EQ(RetryDelay(plain), absl::ZeroDuration());
  // A retry delay travels as google.rpc.RetryInfo.
  absl::Status throttled = internal::FromGrpcStatus(rpc::ToGrpcStatus(
      WithRetryDelay(Error(absl::StatusCode::kResourceExhausted,
                           "LOGIN_THROTTLED", "wait"),
                     absl::Milliseconds(2500))));
  EXPECT_EQ(ErrorReason(throttled), "LOGIN_THROTTLED");
  EXPECT_EQ(RetryDelay(throttled), absl::Milliseconds(2500));

  EXPECT_THAT(internal::FromGrpcStatus(grpc::Status::OK), IsOk());
  absl::Status no_details = internal::FromGrpcStatus(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"));
  EXPECT_EQ(no_details.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReason(no_details), "");
  absl::Status garbage = internal::FromGrpcStatus(
      grpc::Status(grpc::StatusCode::INTERNAL, "oops", "\xff\xff not proto"));
  EXPECT_EQ(garbage.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ErrorReason(garbage), "");
}

// ---- request ids ----

TEST_F(ClientTest, CreateWithTheSameRequestIdTwiceCreatesOneResource) {
  v1::Municipality m = CreateMunicipality("Ogres novads", "0740201");
  auto req = SchoolRequest(m.name(), "Ogres 1. vidusskola", "4313900100");
  req.set_request_id("client-test-1");
  absl::StatusOr<v1::Institution> first = client_->CreateInstitution(req);
  absl::StatusOr<v1::Institution> second = client_->CreateInstitution(req);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->SerializeAsString(), second->SerializeAsString());
  EXPECT_EQ(CountInstitutions(), 1);

  v1::CreateMunicipalityRequest mreq;
  mreq.mutable_municipality()->set_display_name("Cēsu novads");
  mreq.mutable_municipality()->set_code("0420201");
  mreq.set_request_id("client-test-2");
  absl::StatusOr<v1::Municipality> m1 = client_->CreateMunicipality(mreq);
  absl::StatusOr<v1::Municipality> m2 = client_->CreateMunicipality(mreq);
  ASSERT_THAT(m1, IsOk());
  ASSERT_THAT(m2, IsOk());
  EXPECT_EQ(m1->name(), m2->name());
}

TEST_F(ClientTest, CreatesWithoutRequestIdAreDistinct) {
  // Each call gets its own generated id: two creates of different
  // institutions are two resources, not the first one returned twice.
  v1::Municipality m = CreateMunicipality("Ogres novads", "0740201");
  absl::StatusOr<v1::Institution> a =
      client_->CreateInstitution(SchoolRequest(m.name(), "A", "4313900100"));
  absl::StatusOr<v1::Institution> b =
      client_->CreateInstitution(SchoolRequest(m.name(), "B", "4313900101"));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(a->name(), b->name());
  EXPECT_EQ(CountInstitutions(), 2);
}

TEST(RequestIdTest, IsARandomVersion4Uuid) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = internal::NewRequestId();
    ASSERT_THAT(id, MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                 "[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// ---- paging ----

TEST_F(ClientTest, ForEachFollowsEveryPageAndCanStopEarly) {
  const std::vector<std::string> names = {"A novads", "B novads", "C novads",
                                          "D novads", "E novads", "F novads",
                                          "G novads"};
  for (size_t i = 0; i < names.size(); ++i) {
    CreateMunicipality(names[i], absl::StrCat("080000", i));
  }
  v1::ListMunicipalitiesRequest req;
  req.set_page_size(3);
  // More than one page, really.
  absl::StatusOr<v1::ListMunicipalitiesResponse> first =
      client_->ListMunicipalities(req);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->municipalities_size(), 3);
  EXPECT_NE(first->next_page_token(), "");

  std::vector<std::string> seen;
  ASSERT_THAT(client_->ForEachMunicipality(req,
                                           [&](const v1::Municipality& m) {
                                             seen.push_back(m.display_name());
                                             return true;
                                           }),
              IsOk());
  EXPECT_EQ(seen, names);

  seen.clear();
  ASSERT_THAT(client_->ForEachMunicipality(req,
                                           [&](const v1::Municipality& m) {
                                             seen.push_back(m.display_name());
                                             return seen.size() < 4;
                                           }),
              IsOk());
  EXPECT_THAT(seen,
              ElementsAre("A novads", "B novads", "C novads", "D novads"));

  // Starting from a page token continues from there.
  req.set_page_token(first->next_page_token());
  seen.clear();
  ASSERT_THAT(client_->ForEachMunicipality(req,
                                           [&](const v1::Municipality& m) {
                                             seen.push_back(m.display_name());
                                             return true;
                                           }),
              IsOk());
  EXPECT_THAT(seen,
              ElementsAre("D novads", "E novads", "F novads", "G novads"));
}

TEST_F(ClientTest, ForEachInstitutionKeepsItsFiltersOnEveryPage) {
  v1::Municipality m1 = CreateMunicipality("Ogres novads", "0740201");
  v1::Municipality m2 = CreateMunicipality("Cēsu novads", "0420201");
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(client_->CreateInstitution(
                    SchoolRequest(m1.name(), absl::StrCat("Ogres skola ", i),
                                  absl::StrCat("431390010", i))),
                IsOk());
    ASSERT_THAT(client_->CreateInstitution(
                    SchoolRequest(m2.name(), absl::StrCat("Cēsu skola ", i),
                                  absl::StrCat("431390020", i))),
                IsOk());
  }
  v1::ListInstitutionsRequest req;
  req.set_page_size(2);
  req.set_municipality(m1.name());
  std::vector<std::string> seen;
  ASSERT_THAT(client_->ForEachInstitution(req,
                                          [&](const v1::Institution& i) {
                                            EXPECT_EQ(i.municipality(),
                                                      m1.name());
                                            seen.push_back(i.display_name());
                                            return true;
                                          }),
              IsOk());
  EXPECT_THAT(seen,
              ElementsAre("Ogres skola 0", "Ogres skola 1", "Ogres skola 2",
                          "Ogres skola 3", "Ogres skola 4"));
}

TEST_F(ClientTest, ForEachReturnsTheErrorOfAPage) {
  v1::ListInstitutionsRequest req;
  req.set_page_size(-1);
  int calls = 0;
  absl::Status s =
      client_->ForEachInstitution(req, [&](const v1::Institution&) {
        ++calls;
        return true;
      });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Fields(s), ElementsAre("page_size"));
  EXPECT_EQ(calls, 0);
}

// ---- deadlines ----

// A TCP port that accepts connections (into the backlog) and never speaks
// HTTP/2, so every call waits for its deadline.
class BlackHole {
 public:
  BlackHole() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot set up a listening socket";
    }
    port_ = ntohs(addr.sin_port);
  }
  ~BlackHole() { close(fd_); }
  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(ClientDeadlineTest, DefaultAndPerCallDeadlinesAreHonoured) {
  BlackHole hole;
  ClientOptions options;
  options.target = hole.target();
  options.default_deadline = absl::Milliseconds(300);
  std::unique_ptr<Client> client = MustCreate(options);

  absl::Time start = absl::Now();
  EXPECT_THAT(client->Ping({}), StatusIs(absl::StatusCode::kDeadlineExceeded));
  absl::Duration took = absl::Now() - start;
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(5));

  CallOptions call;
  call.deadline = absl::Milliseconds(1500);
  start = absl::Now();
  EXPECT_THAT(client->ListInstitutions({}, call),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  took = absl::Now() - start;
  EXPECT_GE(took, absl::Milliseconds(1400));
  EXPECT_LT(took, absl::Seconds(8));
}

TEST_F(ClientTest, ExpiredDeadlineFailsAtOnceAndCreatesNothing) {
  CallOptions expired;
  expired.deadline = absl::ZeroDuration();
  v1::CreateMunicipalityRequest req;
  req.mutable_municipality()->set_display_name("Ogres novads");
  req.mutable_municipality()->set_code("0740201");
  EXPECT_THAT(client_->CreateMunicipality(req, expired),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  absl::StatusOr<v1::ListMunicipalitiesResponse> list =
      client_->ListMunicipalities({});
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->municipalities_size(), 0);
}

// ---- AuthService ----

TEST_F(ClientTest, AccountsSignInRefreshAndSignOut) {
  v1::CreateAccountRequest create;
  create.mutable_account()->set_username("anna");
  create.mutable_account()->set_kind(v1::ACCOUNT_KIND_USER);
  create.set_password("anna-parole-2026");
  absl::StatusOr<v1::Account> anna = client_->CreateAccount(create);
  ASSERT_THAT(anna, IsOk());
  EXPECT_EQ(create.request_id(), "");  // the caller's request is untouched
  std::vector<std::string> usernames;
  ASSERT_THAT(client_->ForEachAccount({},
                                      [&](const v1::Account& a) {
                                        usernames.push_back(a.username());
                                        return true;
                                      }),
              IsOk());
  EXPECT_THAT(usernames, ElementsAre("anna", StartsWith("test-user-")));

  // Signing in needs no token; the session's token makes a client of Anna.
  std::unique_ptr<Client> anonymous = ClientFor(server_.target());
  v1::LoginRequest login;
  login.set_username("anna");
  login.set_password("anna-parole-2026");
  absl::StatusOr<v1::Session> session = anonymous->Login(login);
  ASSERT_THAT(session, IsOk());
  EXPECT_EQ(session->account().name(), anna->name());
  std::unique_ptr<Client> as_anna =
      ClientFor(server_.target(), session->access_token());
  absl::StatusOr<v1::Account> me = as_anna->WhoAmI();
  ASSERT_THAT(me, IsOk());
  EXPECT_EQ(me->username(), "anna");
  v1::GetAccountRequest get;
  get.set_name(anna->name());
  EXPECT_THAT(as_anna->GetAccount(get), IsOk());

  v1::RefreshTokenRequest refresh;
  refresh.set_refresh_token(session->refresh_token());
  absl::StatusOr<v1::Session> next = anonymous->RefreshToken(refresh);
  ASSERT_THAT(next, IsOk());
  EXPECT_THAT(as_anna->WhoAmI(), StatusIs(absl::StatusCode::kUnauthenticated));
  std::unique_ptr<Client> renewed =
      ClientFor(server_.target(), next->access_token());
  ASSERT_THAT(renewed->Logout(), IsOk());
  absl::StatusOr<v1::Account> gone = renewed->WhoAmI();
  EXPECT_THAT(gone, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(ErrorReason(gone.status()), "INVALID_TOKEN");

  // Throttling says how long to wait.
  login.set_password("nepareizi");
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(anonymous->Login(login),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
  absl::StatusOr<v1::Session> throttled = anonymous->Login(login);
  EXPECT_THAT(throttled, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(ErrorReason(throttled.status()), "LOGIN_THROTTLED");
  EXPECT_GT(RetryDelay(throttled.status()), absl::ZeroDuration());
  EXPECT_LE(RetryDelay(throttled.status()), absl::Seconds(1));

  v1::ResetPasswordRequest reset;
  reset.set_name(anna->name());
  reset.set_new_password("jauna-parole-2026");
  EXPECT_THAT(client_->ResetPassword(reset), IsOk());
}

TEST_F(ClientTest, ApiKeysOfServiceAccounts) {
  v1::CreateAccountRequest create;
  create.mutable_account()->set_username("viis");
  create.mutable_account()->set_kind(v1::ACCOUNT_KIND_SERVICE);
  create.mutable_account()->add_api_scopes("directory.read");
  absl::StatusOr<v1::Account> service = client_->CreateAccount(create);
  ASSERT_THAT(service, IsOk());
  v1::CreateApiKeyRequest key_request;
  key_request.set_parent(service->name());
  absl::StatusOr<v1::ApiKey> key = client_->CreateApiKey(key_request);
  ASSERT_THAT(key, IsOk());
  std::unique_ptr<Client> integration = ClientFor(server_.target(), key->key());
  EXPECT_THAT(integration->ListMunicipalities({}), IsOk());
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key->name());
  ASSERT_THAT(client_->RevokeApiKey(revoke), IsOk());
  EXPECT_THAT(integration->ListMunicipalities({}),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

// ---- gzip and threads ----

TEST_F(ClientTest, GzipClientWorks) {
  ClientOptions options;
  options.target = server_.target();
  options.access_token = server_.AdminToken();
  options.gzip = true;
  std::unique_ptr<Client> client = MustCreate(options);
  v1::PingRequest req;
  req.set_payload(std::string(1000, 'a'));
  absl::StatusOr<v1::PingResponse> resp = client->Ping(req);
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->payload(), req.payload());
  v1::CreateMunicipalityRequest create;
  create.mutable_municipality()->set_display_name("Ogres novads");
  create.mutable_municipality()->set_code("0740201");
  EXPECT_THAT(client->CreateMunicipality(create), IsOk());
}

TEST_F(ClientTest, OneClientServesManyThreads) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        v1::PingRequest req;
        req.set_payload(absl::StrCat(t, "/", i));
        absl::StatusOr<v1::PingResponse> resp = client_->Ping(req);
        if (!resp.ok() || resp->payload() != req.payload()) ++failures;
      }
      v1::CreateMunicipalityRequest create;
      create.mutable_municipality()->set_display_name(
          absl::StrCat("Novads ", t));
      create.mutable_municipality()->set_code(absl::StrCat("090000", t));
      if (!client_->CreateMunicipality(create).ok()) ++failures;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  absl::StatusOr<v1::ListMunicipalitiesResponse> list =
      client_->ListMunicipalities({});
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->municipalities_size(), 4);
}

// ---- what only a fake server can observe ----

// Records what calls carry. Creates of municipalities fail with
// UNAVAILABLE `create_failures` times first; updates always fail with
// UNAVAILABLE.
class FakeServer {
 public:
  FakeServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&system_);
    builder.RegisterService(&directory_);
    server_ = builder.BuildAndStart();
  }
  ~FakeServer() {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(1));
  }
  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }

  struct Seen {
    std::vector<std::string> authorization;  // "<none>" if absent
    std::vector<std::string> user_agent;
    std::vector<std::string> create_request_ids;
    int update_attempts = 0;
  };
  Seen seen() {
    absl::MutexLock lock(&mu_);
    return seen_;
  }
  void FailCreates(int n) {
    absl::MutexLock lock(&mu_);
    create_failures_ = n;
  }

 private:
  static std::string Header(grpc::ServerContext* ctx, const std::string& key) {
    auto it = ctx->client_metadata().find(key);
    if (it == ctx->client_metadata().end()) return "<none>";
    return std::string(it->second.data(), it->second.size());
  }

  class System final : public v1::SystemService::Service {
   public:
    explicit System(FakeServer* fake) : fake_(fake) {}
    grpc::Status Ping(grpc::ServerContext* ctx, const v1::PingRequest* req,
                      v1::PingResponse* resp) override {
      absl::MutexLock lock(&fake_->mu_);
      fake_->seen_.authorization.push_back(Header(ctx, "authorization"));
      fake_->seen_.user_agent.push_back(Header(ctx, "user-agent"));
      resp->set_payload(req->payload());
      return grpc::Status::OK;
    }

   private:
    FakeServer* fake_;
  };

  class Directory final : public v1::DirectoryService::Service {
   public:
    explicit Directory(FakeServer* fake) : fake_(fake) {}
    grpc::Status CreateMunicipality(grpc::ServerContext* ctx,
                                    const v1::CreateMunicipalityRequest* req,
                                    v1::Municipality* resp) override {
      absl::MutexLock lock(&fake_->mu_);
      fake_->seen_.create_request_ids.push_back(req->request_id());
      if (fake_->create_failures_ > 0) {
        --fake_->create_failures_;
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again");
      }
      resp->set_name("municipalities/fake");
      return grpc::Status::OK;
    }
    grpc::Status CreateInstitution(grpc::ServerContext* ctx,
                                   const v1::CreateInstitutionRequest* req,
                                   v1::Institution* resp) override {
      absl::MutexLock lock(&fake_->mu_);
      fake_->seen_.create_request_ids.push_back(req->request_id());
      resp->set_name("institutions/fake");
      return grpc::Status::OK;
    }
    grpc::Status UpdateMunicipality(grpc::ServerContext* ctx,
                                    const v1::UpdateMunicipalityRequest* req,
                                    v1::Municipality* resp) override {
      absl::MutexLock lock(&fake_->mu_);
      ++fake_->seen_.update_attempts;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again");
    }

   private:
    FakeServer* fake_;
  };

  absl::Mutex mu_;
  Seen seen_ ABSL_GUARDED_BY(mu_);
  int create_failures_ ABSL_GUARDED_BY(mu_) = 0;
  System system_{this};
  Directory directory_{this};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST(ClientMetadataTest, SendsTheBearerTokenOnlyWhenSet) {
  FakeServer fake;
  ClientOptions options;
  options.target = fake.target();
  options.access_token = "abc.def-123";
  ASSERT_THAT(MustCreate(options)->Ping({}), IsOk());
  options.access_token = "";
  ASSERT_THAT(MustCreate(options)->Ping({}), IsOk());
  FakeServer::Seen seen = fake.seen();
  EXPECT_THAT(seen.authorization, ElementsAre("Bearer abc.def-123", "<none>"));
  EXPECT_THAT(seen.user_agent[0], StartsWith("pumpurs-client/"));
}

TEST(ClientRequestIdTest, EmptyRequestIdsAreFilledInFreshAndKeptOtherwise) {
  FakeServer fake;
  std::unique_ptr<Client> client = ClientFor(fake.target());
  v1::CreateMunicipalityRequest m;
  ASSERT_THAT(client->CreateMunicipality(m), IsOk());
  ASSERT_THAT(client->CreateMunicipality(m), IsOk());
  EXPECT_EQ(m.request_id(), "");  // the caller's request is untouched
  v1::CreateInstitutionRequest i;
  ASSERT_THAT(client->CreateInstitution(i), IsOk());
  i.set_request_id("mine");
  ASSERT_THAT(client->CreateInstitution(i), IsOk());
  std::vector<std::string> ids = fake.seen().create_request_ids;
  ASSERT_THAT(ids, SizeIs(4));
  const char* kUuid =
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
  EXPECT_THAT(ids[0], MatchesRegex(kUuid));
  EXPECT_THAT(ids[1], MatchesRegex(kUuid));
  EXPECT_THAT(ids[2], MatchesRegex(kUuid));
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_EQ(ids[3], "mine");
}

TEST(ClientRetryTest, CreatesRetryWithTheSameRequestIdAndUpdatesDoNot) {
  FakeServer fake;
  std::unique_ptr<Client> client = ClientFor(fake.target());
  fake.FailCreates(2);
  absl::StatusOr<v1::Municipality> created = client->CreateMunicipality({});
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->name(), "municipalities/fake");
  std::vector<std::string> ids = fake.seen().create_request_ids;
  ASSERT_THAT(ids, SizeIs(3));  // two UNAVAILABLE, then OK
  EXPECT_FALSE(ids[0].empty());
  EXPECT_EQ(ids[1], ids[0]);
  EXPECT_EQ(ids[2], ids[0]);

  // maxAttempts is 4: the fourth UNAVAILABLE is the caller's.
  fake.FailCreates(10);
  EXPECT_THAT(client->CreateMunicipality({}),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(fake.seen().create_request_ids, SizeIs(3 + 4));

  EXPECT_THAT(client->UpdateMunicipality({}),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(fake.seen().update_attempts, 1);
}

// AuditService: typed calls and page following, over events recorded
// directly (the trail itself is tested in tests/auth and tests/rpc).
TEST(ClientAuditTest, ListsAndFollowsPagesOfTheTrail) {
  TestServer server;
  ASSERT_THAT(server.database().WriteSync(
                  CallContext(),
                  [](storage::Connection& c) -> absl::Status {
                    absl::Status s = c.Exec(R"sql(
              INSERT INTO municipalities VALUES
                ('m1', 'M1', x'01', '0000001', 1, 0, 0);
              INSERT INTO institutions VALUES
                ('i1', 'I1', x'01', 1, 'm1', '4000000001', 1, 0, 0);
              INSERT INTO pupils (id, institution_id, given_name,
                family_name, sort_key, search_given, search_family,
                birth_date, grade, vocational_course, class_label, version,
                create_time, update_time)
              VALUES ('p1', 'i1', 'A', 'B', x'01', 'a', 'b', '2014-01-01',
                      5, 0, '5.a', 1, 0, 0);
              INSERT INTO guardians (id, given_name, family_name, sort_key,
                search_given, search_family, version, create_time,
                update_time)
              VALUES ('g1', 'G', 'H', x'01', 'g', 'h', 1, 0, 0);
              INSERT INTO guardian_pupils VALUES ('g1', 'p1');
            )sql");
                    for (int i = 0; i < 5 && s.ok(); ++i) {
                      CallContext call;
                      call.principal.account_id = absl::StrCat("t", i);
                      AuditEvent e;
                      e.action = "pupil.read";
                      e.resource = "pupils/p1";
                      e.institution_id = "i1";
                      e.municipality_id = "m1";
                      e.pupil_id = "p1";
                      s = auth::RecordAudit(c, call, e, absl::Now());
                    }
                    return s;
                  }),
              IsOk());

  std::unique_ptr<Client> admin =
      ClientFor(server.target(), server.AdminToken());
  v1::ListAuditEventsRequest list;
  list.set_page_size(2);
  absl::StatusOr<v1::ListAuditEventsResponse> page =
      admin->ListAuditEvents(list);
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(page->audit_events(), SizeIs(2));
  EXPECT_FALSE(page->next_page_token().empty());
  std::vector<std::string> actors;
  ASSERT_THAT(admin->ForEachAuditEvent(list,
                                       [&](const v1::AuditEvent& e) {
                                         actors.push_back(e.actor());
                                         return true;
                                       }),
              IsOk());
  EXPECT_THAT(actors, ElementsAre("accounts/t4", "accounts/t3", "accounts/t2",
                                  "accounts/t1", "accounts/t0"));
  list.set_institution("schools/i1");
  EXPECT_THAT(Fields(admin->ListAuditEvents(list).status()),
              ElementsAre("institution"));

  std::unique_ptr<Client> guardian =
      ClientFor(server.target(), server.TokenFor({{Role::kGuardian, "g1"}}));
  v1::ListPupilAccessRequest access;
  access.set_pupil("pupils/p1");
  access.set_page_size(2);
  int seen = 0;
  ASSERT_THAT(guardian->ForEachPupilAccess(
                  access, [&](const v1::AuditEvent& e) { return ++seen < 3; }),
              IsOk());
  EXPECT_EQ(seen, 3);  // stopped early
  access.set_pupil("pupils/other");
  EXPECT_THAT(guardian->ListPupilAccess(access),
              StatusIs(absl::StatusCode::kPermissionDenied));
  std::unique_ptr<Client> anonymous = ClientFor(server.target());
  EXPECT_THAT(anonymous->ListPupilAccess(access),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace pumpurs::client
