#ifndef PUMPURS_TESTS_TESTING_TEST_SERVER_H_
#define PUMPURS_TESTS_TESTING_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "pumpurs/v1/directory.grpc.pb.h"
#include "pumpurs/v1/system.grpc.pb.h"
#include "server/common/principal.h"
#include "server/server.h"
#include "tests/testing/temp_dir.h"

namespace pumpurs::testing {

// A real in-process server on a free loopback port over a temporary
// database file, with a real channel to it.
class TestServer {
 public:
  explicit TestServer(bool demo = false);
  ~TestServer();

  int port() const { return server_->port(); }
  std::string target() const;
  Server& server() { return *server_; }
  storage::Database& database() { return server_->database(); }
  const std::string& db_path() const { return db_path_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

  pumpurs::v1::DirectoryService::Stub& directory() { return *directory_; }
  pumpurs::v1::SystemService::Stub& system() { return *system_; }

  // Creates an account with these roles (and, for a service account, API
  // scopes) directly in the database and returns a valid access token for
  // it. Tests of other things use it instead of signing in.
  std::string TokenFor(const std::vector<RoleBinding>& roles,
                       const std::string& username = "");
  // Like TokenFor, and also a staff record of `institution_id` linked to the
  // account (its id in *staff_id): how plans know their preparer and
  // providers.
  std::string StaffTokenFor(const std::vector<RoleBinding>& roles,
                            const std::string& institution_id,
                            std::string* staff_id,
                            const std::string& username = "");
  // A national administrator's token.
  std::string AdminToken();
  // Every call on channel() from now on carries this bearer token ("" for
  // none).
  void UseToken(const std::string& token);

  // Stops the server in order (as SIGTERM would).
  void Stop();

 private:
  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<std::string> token_ = std::make_shared<std::string>();
  std::shared_ptr<grpc::Channel> channel_;
  int accounts_ = 0;
  std::unique_ptr<pumpurs::v1::DirectoryService::Stub> directory_;
  std::unique_ptr<pumpurs::v1::SystemService::Stub> system_;
};

}  // namespace pumpurs::testing

#endif  // PUMPURS_TESTS_TESTING_TEST_SERVER_H_
