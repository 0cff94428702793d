// Client::CallRaw against a real in-process server: the same answers and
// errors as the typed calls, request_id filled in for creates, and the
// service config's retry policy applied by the method's path (through a
// small forwarding proxy that loses the first answer).

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pumpurs/client/client.h"
#include "pumpurs/v1/directory.grpc.pb.h"
#include "pumpurs/v1/system.pb.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace pumpurs::client {
namespace {

using ::pumpurs::testing::IsOk;
using ::pumpurs::testing::StatusIs;
using ::pumpurs::testing::TestServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr char kCreateMunicipality[] =
    "/pumpurs.v1.DirectoryService/CreateMunicipality";
constexpr char kListMunicipalities[] =
    "/pumpurs.v1.DirectoryService/ListMunicipalities";

std::unique_ptr<Client> ClientFor(const std::string& target,
                                  const std::string& access_token) {
  ClientOptions options;
  options.target = target;
  options.access_token = access_token;
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_THAT(client.status(), IsOk());
  return client.ok() ? *std::move(client) : nullptr;
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : FieldViolations(status)) {
    out.push_back(v.field);
  }
  return out;
}

class RawCallTest : public ::testing::Test {
 protected:
  RawCallTest() : client_(ClientFor(server_.target(), server_.AdminToken())) {}

  int CountMunicipalities() {
    absl::StatusOr<v1::ListMunicipalitiesResponse> list =
        client_->ListMunicipalities({});
    EXPECT_THAT(list, IsOk());
    return list.ok() ? list->municipalities_size() : -1;
  }

  static std::string CreateRequest(const std::string& display_name,
                                   const std::string& code,
                                   const std::string& request_id = "") {
    v1::CreateMunicipalityRequest req;
    req.mutable_municipality()->set_display_name(display_name);
    req.mutable_municipality()->set_code(code);
    req.set_request_id(request_id);
    return req.SerializeAsString();
  }

  TestServer server_;
  std::unique_ptr<Client> client_;
};

TEST_F(RawCallTest, ReadsAnswerExactlyAsTheTypedCalls) {
  absl::StatusOr<v1::ServerInfo> typed = client_->GetServerInfo();
  ASSERT_THAT(typed, IsOk());
  absl::StatusOr<std::string> raw =
      client_->CallRaw("/pumpurs.v1.SystemService/GetServerInfo",
                       v1::GetServerInfoRequest().SerializeAsString());
  ASSERT_THAT(raw, IsOk());
  EXPECT_EQ(*raw, typed->SerializeAsString());

  ASSERT_THAT(client_->CallRaw(kCreateMunicipality,
                               CreateRequest("Ogres novads", "0740201")),
              IsOk());
  v1::ListMunicipalitiesRequest list;
  list.set_page_size(10);
  absl::StatusOr<v1::ListMunicipalitiesResponse> typed_list =
      client_->ListMunicipalities(list);
  ASSERT_THAT(typed_list, IsOk());
  ASSERT_THAT(typed_list->municipalities(), SizeIs(1));
  absl::StatusOr<std::string> raw_list =
      client_->CallRaw(kListMunicipalities, list.SerializeAsString());
  ASSERT_THAT(raw_list, IsOk());
  EXPECT_EQ(*raw_list, typed_list->SerializeAsString());

  // The health service is a unary method too.
  EXPECT_THAT(client_->CallRaw("/grpc.health.v1.Health/Check", ""), IsOk());
}

TEST_F(RawCallTest, UnknownStreamingAndMalformedMethodsAreInvalidArgument) {
  for (const char* method :
       {"/pumpurs.v1.SystemService/Nope", "/pumpurs.v1.NoService/Ping",
        "pumpurs.v1.SystemService/Ping", "/pumpurs.v1.SystemService.Ping",
        "/pumpurs.v1.SystemService/", "//Ping", "",
        "/pumpurs.v1.SystemService/Ping/"}) {
    absl::StatusOr<std::string> r = client_->CallRaw(method, "");
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << method;
  }
  for (const char* streaming : {"/pumpurs.v1.SyncService/WatchChanges",
                                "/pumpurs.v1.DirectoryService/ImportPeople"}) {
    absl::StatusOr<std::string> r = client_->CallRaw(streaming, "");
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << streaming;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("stream"));
  }
}

TEST_F(RawCallTest, RequestThatDoesNotParseIsInvalidArgumentAndNotSent) {
  absl::StatusOr<std::string> r =
      client_->CallRaw(kCreateMunicipality, "\xff\xff\xff\xff garbage");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("pumpurs.v1.CreateMunicipalityRequest"));
  EXPECT_EQ(ErrorReason(r.status()), "");  // ours, not the server's
  EXPECT_EQ(CountMunicipalities(), 0);
}

TEST_F(RawCallTest, ServerErrorsCarryReasonAndFieldViolations) {
  v1::CreateMunicipalityRequest bad;
  bad.mutable_municipality()->set_display_name(std::string(201, 'x'));
  bad.mutable_municipality()->set_code("12ab");
  absl::StatusOr<std::string> r =
      client_->CallRaw(kCreateMunicipality, bad.SerializeAsString());
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorReason(r.status()), "INVALID_ARGUMENT");
  EXPECT_THAT(
      Fields(r.status()),
      UnorderedElementsAre("municipality.display_name", "municipality.code"));

  ASSERT_THAT(client_->CallRaw(kCreateMunicipality,
                               CreateRequest("Ogres novads", "0740201")),
              IsOk());
  r = client_->CallRaw(kCreateMunicipality,
                       CreateRequest("Ogres otrs novads", "0740201"));
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(ErrorReason(r.status()), "MUNICIPALITY_CODE_TAKEN");

  // Credentials and deadlines as for the typed calls.
  std::unique_ptr<Client> anonymous = ClientFor(server_.target(), "");
  EXPECT_THAT(anonymous->CallRaw(kListMunicipalities, ""),
              StatusIs(absl::StatusCode::kUnauthenticated));
  CallOptions expired;
  expired.deadline = absl::ZeroDuration();
  EXPECT_THAT(
      client_->CallRaw(kCreateMunicipality,
                       CreateRequest("Cēsu novads", "0420201"), expired),
      StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(CountMunicipalities(), 1);
}

TEST_F(RawCallTest, RequestIdIsFilledInWhenEmptyAndKeptOtherwise) {
  // Empty: each call is a new create.
  const std::string no_id = CreateRequest("Ogres novads", "0740201");
  absl::StatusOr<std::string> first =
      client_->CallRaw(kCreateMunicipality, no_id);
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(client_->CallRaw(kCreateMunicipality, no_id),
              StatusIs(absl::StatusCode::kAlreadyExists));
  // Set: the server answers a repeat with the first result.
  const std::string with_id =
      CreateRequest("Cēsu novads", "0420201", "raw-call-test-1");
  absl::StatusOr<std::string> a =
      client_->CallRaw(kCreateMunicipality, with_id);
  absl::StatusOr<std::string> b =
      client_->CallRaw(kCreateMunicipality, with_id);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(CountMunicipalities(), 2);
}

// Forwards CreateMunicipality to a real server, recording the request_id
// of every attempt; the answer to the first attempt is lost (UNAVAILABLE
// after the server has created), as when a connection drops.
class LossyProxy final : public v1::DirectoryService::Service {
 public:
  explicit LossyProxy(TestServer* backend) : backend_(backend) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~LossyProxy() override {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(1));
  }
  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }
  std::vector<std::string> request_ids() {
    absl::MutexLock lock(&mu_);
    return request_ids_;
  }

  grpc::Status CreateMunicipality(grpc::ServerContext* ctx,
                                  const v1::CreateMunicipalityRequest* req,
                                  v1::Municipality* resp) override {
    grpc::ClientContext forward;
    grpc::Status status =
        backend_->directory().CreateMunicipality(&forward, *req, resp);
    absl::MutexLock lock(&mu_);
    request_ids_.push_back(req->request_id());
    if (request_ids_.size() == 1 && status.ok()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "answer lost");
    }
    return status;
  }
  grpc::Status UpdateMunicipality(grpc::ServerContext* ctx,
                                  const v1::UpdateMunicipalityRequest* req,
                                  v1::Municipality* resp) override {
    absl::MutexLock lock(&mu_);
    ++update_attempts_;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again");
  }
  int update_attempts() {
    absl::MutexLock lock(&mu_);
    return update_attempts_;
  }

 private:
  TestServer* backend_;
  absl::Mutex mu_;
  std::vector<std::string> request_ids_ ABSL_GUARDED_BY(mu_);
  int update_attempts_ ABSL_GUARDED_BY(mu_) = 0;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(RawCallTest, RetriedCreateWithoutRequestIdCreatesOnce) {
  server_.UseToken(server_.AdminToken());  // the proxy's own calls
  LossyProxy proxy(&server_);
  std::unique_ptr<Client> via_proxy = ClientFor(proxy.target(), "");
  absl::StatusOr<std::string> created = via_proxy->CallRaw(
      kCreateMunicipality, CreateRequest("Ogres novads", "0740201"));
  ASSERT_THAT(created, IsOk());
  std::vector<std::string> ids = proxy.request_ids();
  ASSERT_THAT(ids, SizeIs(2));  // the lost answer, then the retry
  EXPECT_THAT(ids[0], MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                   "[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(ids[1], ids[0]);
  absl::StatusOr<v1::ListMunicipalitiesResponse> list =
      client_->ListMunicipalities({});
  ASSERT_THAT(list, IsOk());
  ASSERT_THAT(list->municipalities(), SizeIs(1));
  v1::Municipality answer;
  ASSERT_TRUE(answer.ParseFromString(*created));
  EXPECT_EQ(answer.name(), list->municipalities(0).name());

  // An update is never retried, by CallRaw either.
  EXPECT_THAT(
      via_proxy->CallRaw("/pumpurs.v1.DirectoryService/UpdateMunicipality", ""),
      StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(proxy.update_attempts(), 1);
}

}  // namespace
}  // namespace pumpurs::client
