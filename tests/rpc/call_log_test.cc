// The call log writes one JSON line per RPC with method, code, latency and
// caller, and never the request's contents.

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/log.h"
#include "tests/testing/test_server.h"

namespace pumpurs {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Captures what the process writes to stderr while alive.
class StderrCapture {
 public:
  explicit StderrCapture(const std::string& path) : path_(path) {
    std::fflush(stderr);
    saved_ = dup(fileno(stderr));
    FILE* f = std::freopen(path.c_str(), "w", stderr);
    (void)f;
  }
  std::string Finish() {
    std::fflush(stderr);
    dup2(saved_, fileno(stderr));
    close(saved_);
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string path_;
  int saved_;
};

TEST(CallLogTest, OneLinePerRpcWithoutContents) {
  testing::TestServer server;
  server.UseToken(server.AdminToken());
  SetLoggingEnabled(true);
  StderrCapture capture(server.db_path() + ".log");
  {
    grpc::ClientContext ctx;
    pumpurs::v1::CreateMunicipalityRequest req;
    req.mutable_municipality()->set_display_name("Slepenais novads");
    req.mutable_municipality()->set_code("07402");  // invalid: 5 digits
    pumpurs::v1::Municipality out;
    server.directory().CreateMunicipality(&ctx, req, &out);
  }
  {
    grpc::ClientContext ctx;
    pumpurs::v1::PingRequest req;
    req.set_payload("Anna Bērziņa");
    pumpurs::v1::PingResponse resp;
    server.system().Ping(&ctx, req, &resp);
  }
  server.Stop();
  SetLoggingEnabled(false);
  std::string log = capture.Finish();
  EXPECT_THAT(log, HasSubstr("\"event\":\"rpc\",\"method\":\"/pumpurs.v1."
                             "DirectoryService/CreateMunicipality\",\"code\":"
                             "\"INVALID_ARGUMENT\""));
  EXPECT_THAT(log, HasSubstr("\"method\":\"/pumpurs.v1.SystemService/Ping\","
                             "\"code\":\"OK\""));
  EXPECT_THAT(log, HasSubstr("\"latency_us\":"));
  // The create came from the signed-in administrator; Ping needs no
  // account and never authenticates.
  EXPECT_THAT(log, HasSubstr("\"caller\":\"accounts/"));
  EXPECT_THAT(log, HasSubstr("\"caller\":\"anonymous\""));
  EXPECT_THAT(log, Not(HasSubstr("pat_")));
  EXPECT_THAT(log, Not(HasSubstr("Slepenais")));
  EXPECT_THAT(log, Not(HasSubstr("Anna")));
  EXPECT_THAT(log, Not(HasSubstr("Bērziņa")));
}

}  // namespace
}  // namespace pumpurs
