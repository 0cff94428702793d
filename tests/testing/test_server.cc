#include "tests/testing/test_server.h"

#include <grpcpp/support/client_interceptor.h>

#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "server/auth/accounts.h"
#include "server/auth/sessions.h"
#include "server/common/ids.h"
#include "server/common/log.h"

namespace pumpurs::testing {
namespace {

// Adds "authorization: Bearer <token>" to every call, reading the token at
// call time so a test can switch identities on one channel.
class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(std::shared_ptr<std::string> token)
      : token_(std::move(token)) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA) &&
        !token_->empty()) {
      methods->GetSendInitialMetadata()->insert(
          {"authorization", "Bearer " + *token_});
    }
    methods->Proceed();
  }

 private:
  std::shared_ptr<std::string> token_;
};

class BearerFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerFactory(std::shared_ptr<std::string> token)
      : token_(std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new BearerInterceptor(token_);
  }

 private:
  std::shared_ptr<std::string> token_;
};

}  // namespace

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
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(std::make_unique<BearerFactory>(token_));
  channel_ = grpc::experimental::CreateCustomChannelWithInterceptors(
      target(), grpc::InsecureChannelCredentials(), grpc::ChannelArguments(),
      std::move(interceptors));
  directory_ = pumpurs::v1::DirectoryService::NewStub(channel_);
  system_ = pumpurs::v1::SystemService::NewStub(channel_);
}

TestServer::~TestServer() { Stop(); }

std::string TestServer::target() const {
  return absl::StrCat("127.0.0.1:", server_->port());
}

std::string TestServer::TokenFor(const std::vector<RoleBinding>& roles,
                                 const std::string& username) {
  std::string token;
  const std::string name =
      username.empty() ? absl::StrCat("test-user-", ++accounts_) : username;
  absl::Status s = database().WriteSync(
      CallContext(), [&](storage::Connection& c) -> absl::Status {
        auth::AccountRecord account;
        account.username = name;
        account.roles = roles;
        absl::StatusOr<auth::AccountRecord> stored =
            auth::InsertAccount(c, std::move(account), absl::Now());
        if (!stored.ok()) return stored.status();
        absl::StatusOr<auth::IssuedSession> session =
            auth::IssueSession(c, stored->id, absl::Now());
        if (!session.ok()) return session.status();
        token = session->access_token;
        return absl::OkStatus();
      });
  if (!s.ok()) throw std::runtime_error(std::string(s.message()));
  return token;
}

std::string TestServer::StaffTokenFor(const std::vector<RoleBinding>& roles,
                                      const std::string& institution_id,
                                      std::string* staff_id,
                                      const std::string& username) {
  std::string token;
  const std::string name =
      username.empty() ? absl::StrCat("test-staff-", ++accounts_) : username;
  *staff_id = NewId();
  absl::Status s = database().WriteSync(
      CallContext(), [&](storage::Connection& c) -> absl::Status {
        auth::AccountRecord account;
        account.username = name;
        account.roles = roles;
        absl::StatusOr<auth::AccountRecord> stored =
            auth::InsertAccount(c, std::move(account), absl::Now());
        if (!stored.ok()) return stored.status();
        absl::StatusOr<storage::Statement> st = c.Prepare(
            "INSERT INTO staff (id, institution_id, given_name, family_name, "
            "sort_key, search_given, search_family, position, version, "
            "create_time, update_time, account_id) VALUES (?, ?, 'Vārds', "
            "'Uzvārds', x'00', 'vards', 'uzvards', 1, 1, 0, 0, ?)");
        if (!st.ok()) return st.status();
        st->Bind(1, *staff_id).Bind(2, institution_id).Bind(3, stored->id);
        if (absl::Status run = st->Run(); !run.ok()) return run;
        absl::StatusOr<auth::IssuedSession> session =
            auth::IssueSession(c, stored->id, absl::Now());
        if (!session.ok()) return session.status();
        token = session->access_token;
        return absl::OkStatus();
      });
  if (!s.ok()) throw std::runtime_error(std::string(s.message()));
  return token;
}

std::string TestServer::AdminToken() {
  return TokenFor({{Role::kNationalAdministrator, ""}});
}

void TestServer::UseToken(const std::string& token) { *token_ = token; }

void TestServer::Stop() { server_->Stop(absl::Seconds(5)); }

}  // namespace pumpurs::testing
