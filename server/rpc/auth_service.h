#ifndef PUMPURS_SERVER_RPC_AUTH_SERVICE_H_
#define PUMPURS_SERVER_RPC_AUTH_SERVICE_H_

#include "pumpurs/v1/auth.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter of sign-in and accounts (server/auth). Login and
// RefreshToken need no token; everything else authenticates the caller.
// Calls that check a password (Login, CreateAccount, ResetPassword) run the
// slow argon2id work on a reader thread first and only then their short
// write, so the single writer never waits on it.
class AuthService final : public pumpurs::v1::AuthService::CallbackService {
 public:
  explicit AuthService(storage::Database& db) : db_(db) {}

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* ctx,
                                  const pumpurs::v1::LoginRequest* req,
                                  pumpurs::v1::Session* resp) override;
  grpc::ServerUnaryReactor* RefreshToken(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::RefreshTokenRequest* req,
      pumpurs::v1::Session* resp) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* ctx,
                                   const pumpurs::v1::LogoutRequest* req,
                                   google::protobuf::Empty* resp) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* ctx,
                                   const pumpurs::v1::WhoAmIRequest* req,
                                   pumpurs::v1::Account* resp) override;
  grpc::ServerUnaryReactor* CreateAccount(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateAccountRequest* req,
      pumpurs::v1::Account* resp) override;
  grpc::ServerUnaryReactor* GetAccount(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetAccountRequest* req,
      pumpurs::v1::Account* resp) override;
  grpc::ServerUnaryReactor* ListAccounts(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListAccountsRequest* req,
      pumpurs::v1::ListAccountsResponse* resp) override;
  grpc::ServerUnaryReactor* ResetPassword(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ResetPasswordRequest* req,
      pumpurs::v1::Account* resp) override;
  grpc::ServerUnaryReactor* CreateApiKey(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateApiKeyRequest* req,
      pumpurs::v1::ApiKey* resp) override;
  grpc::ServerUnaryReactor* RevokeApiKey(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::RevokeApiKeyRequest* req,
      google::protobuf::Empty* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_AUTH_SERVICE_H_
