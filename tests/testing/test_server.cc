#include "tests/testing/test_server.h"

#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"

namespace pumpurs::testing {

TestServer::TestServer(bool demo) : db_path_(dir_.File("pumpurs.db")) {
  SetLoggingEnabled(false);
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.db_path = db_path_;
  options.demo = demo;
  options.threads = 2;
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(options);
  if (!server.ok()) {
    throw std::runtime_error(std::string(server.status().message()));
  }
  server_ = *std::move(server);
  channel_ = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
  directory_ = pumpurs::v1::DirectoryService::NewStub(channel_);
  system_ = pumpurs::v1::SystemService::NewStub(channel_);
}

TestServer::~TestServer() { Stop(); }

std::string TestServer::target() const {
  return absl::StrCat("127.0.0.1:", server_->port());
}

void TestServer::Stop() { server_->Stop(absl::Seconds(5)); }

}  // namespace pumpurs::testing
