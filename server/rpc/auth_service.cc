#include "server/rpc/auth_service.h"

#include <google/protobuf/util/time_util.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/auth/account_admin.h"
#include "server/auth/accounts.h"
#include "server/auth/api_keys.h"
#include "server/auth/login.h"
#include "server/auth/policy.h"
#include "server/auth/sessions.h"
#include "server/common/error.h"
#include "server/common/etag.h"
#include "server/common/ids.h"
#include "server/common/status_macros.h"
#include "server/rpc/unary_call.h"

namespace pumpurs::rpc {
namespace {

namespace v1 = ::pumpurs::v1;
using google::protobuf::util::TimeUtil;
using storage::Connection;

constexpr char kAccounts[] = "accounts";
constexpr char kApiKeys[] = "apiKeys";

// Authenticates the call on `c` unless the method needs no token.
absl::Status MaybeAuthenticate(Authn authn, CallContext& call, Connection& c) {
  if (authn == Authn::kSkip) return absl::OkStatus();
  return auth::Authenticate(c, call, absl::Now());
}

// Runs `check` in a read snapshot and, if it succeeds, `write` with its
// result on the writer; answers with what `answer` makes of the write's
// result. The slow part (argon2id) belongs in `check`, so that the single
// writer only does the short bookkeeping. `answer` may refuse although the
// write committed (a failed sign-in is counted, a replayed refresh token
// revokes its session). These methods defer no audit events: they touch no
// pupil's data.
template <typename P, typename T, typename Response>
grpc::ServerUnaryReactor* ReadThenWrite(
    grpc::CallbackServerContext* ctx, storage::Database& db, Authn authn,
    std::function<absl::StatusOr<P>(const CallContext&, Connection&)> check,
    std::function<absl::StatusOr<T>(const CallContext&, Connection&, const P&)>
        write,
    Response* response,
    std::function<absl::Status(const T&, Response*)> answer) {
  auto* reactor = new UnaryCall(ctx);
  CallContext& call = reactor->call();
  db.ReadValue<P>(
      call,
      [&call, authn,
       check = std::move(check)](Connection& c) -> absl::StatusOr<P> {
        PUMPURS_RETURN_IF_ERROR(MaybeAuthenticate(authn, call, c));
        return check(call, c);
      },
      [&db, &call, reactor, authn, write = std::move(write), response,
       answer = std::move(answer)](absl::StatusOr<P> checked) {
        if (!checked.ok()) {
          reactor->Finish(checked.status());
          return;
        }
        auto held = std::make_shared<P>(*std::move(checked));
        db.WriteValue<T>(
            call,
            [&call, authn, write, held](Connection& c) -> absl::StatusOr<T> {
              PUMPURS_RETURN_IF_ERROR(MaybeAuthenticate(authn, call, c));
              return write(call, c, *held);
            },
            [reactor, response, answer](absl::StatusOr<T> result) {
              reactor->Finish(result.ok() ? answer(*result, response)
                                          : result.status());
            });
      });
  return reactor;
}

// A write whose answer may be a refusal that still commits (see above).
template <typename T, typename Response>
grpc::ServerUnaryReactor* WriteThenAnswer(
    grpc::CallbackServerContext* ctx, storage::Database& db, Authn authn,
    std::function<absl::StatusOr<T>(const CallContext&, Connection&)> write,
    Response* response,
    std::function<absl::Status(const T&, Response*)> answer) {
  auto* reactor = new UnaryCall(ctx);
  CallContext& call = reactor->call();
  db.WriteValue<T>(
      call,
      [&call, authn,
       write = std::move(write)](Connection& c) -> absl::StatusOr<T> {
        PUMPURS_RETURN_IF_ERROR(MaybeAuthenticate(authn, call, c));
        return write(call, c);
      },
      [reactor, response,
       answer = std::move(answer)](absl::StatusOr<T> result) {
        reactor->Finish(result.ok() ? answer(*result, response)
                                    : result.status());
      });
  return reactor;
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

void ToProto(const auth::AccountRecord& a, v1::Account* out) {
  out->set_name(ResourceName(kAccounts, a.id));
  out->set_username(a.username);
  out->set_kind(a.is_service ? v1::ACCOUNT_KIND_SERVICE
                             : v1::ACCOUNT_KIND_USER);
  for (const RoleBinding& b : a.roles) {
    v1::RoleBinding* rb = out->add_role_bindings();
    rb->set_role(static_cast<v1::Role>(b.role));
    rb->set_scope(auth::ScopeName(b));
  }
  for (const std::string& scope : a.api_scopes) out->add_api_scopes(scope);
  if (a.locked_until > absl::Now()) {
    *out->mutable_locked_until() = ToProto(a.locked_until);
  }
  out->set_etag(EtagFor(a.version));
  *out->mutable_create_time() = ToProto(a.create_time);
}

void ToProto(const auth::IssuedSession& s, const auth::AccountRecord& a,
             v1::Session* out) {
  out->set_access_token(s.access_token);
  *out->mutable_access_token_expire_time() = ToProto(s.access_expire_time);
  out->set_refresh_token(s.refresh_token);
  *out->mutable_refresh_token_expire_time() = ToProto(s.refresh_expire_time);
  ToProto(a, out->mutable_account());
}

auth::NewAccount FromProto(const v1::Account& in) {
  auth::NewAccount out;
  out.username = in.username();
  out.kind = static_cast<int>(in.kind());
  for (const v1::RoleBinding& b : in.role_bindings()) {
    out.role_bindings.push_back({static_cast<int>(b.role()), b.scope()});
  }
  out.api_scopes.assign(in.api_scopes().begin(), in.api_scopes().end());
  return out;
}

// "accounts/{account}/apiKeys/{key}" → {account id, key id}.
absl::StatusOr<std::pair<std::string, std::string>> ParseApiKeyName(
    absl::string_view name) {
  const absl::string_view separator = "/apiKeys/";
  const size_t at = name.find(separator);
  absl::Status malformed = InvalidFieldError(
      "name", "must have the form accounts/{account}/apiKeys/{key}");
  if (at == absl::string_view::npos) return malformed;
  absl::StatusOr<std::string> account =
      ParseResourceName(name.substr(0, at), kAccounts, "name");
  absl::StatusOr<std::string> key = ParseResourceName(
      absl::StrCat(kApiKeys, "/", name.substr(at + separator.size())), kApiKeys,
      "name");
  if (!account.ok() || !key.ok()) return malformed;
  return std::make_pair(*account, *key);
}

struct Hashed {
  std::string password_hash;  // "" if the password is invalid or not needed
};

}  // namespace

grpc::ServerUnaryReactor* AuthService::Login(grpc::CallbackServerContext* ctx,
                                             const v1::LoginRequest* req,
                                             v1::Session* resp) {
  if (absl::Status s =
          auth::ValidateLoginRequest(req->username(), req->password());
      !s.ok()) {
    return Answer(ctx, s);
  }
  return ReadThenWrite<auth::LoginCheck, auth::LoginOutcome, v1::Session>(
      ctx, db_, Authn::kSkip,
      [username = req->username(), password = req->password()](
          const CallContext&,
          Connection& c) -> absl::StatusOr<auth::LoginCheck> {
        PUMPURS_ASSIGN_OR_RETURN(
            auth::LoginCheck check,
            auth::CheckPassword(c, username, password, absl::Now()));
        // Throttled: refused before the password was checked; nothing to
        // record.
        if (!check.refusal.ok()) return check.refusal;
        return check;
      },
      [](const CallContext&, Connection& c, const auth::LoginCheck& check) {
        return auth::RecordLogin(c, check, absl::Now());
      },
      resp,
      [](const auth::LoginOutcome& outcome, v1::Session* out) {
        if (outcome.status.ok()) ToProto(outcome.session, outcome.account, out);
        return outcome.status;
      });
}

grpc::ServerUnaryReactor* AuthService::RefreshToken(
    grpc::CallbackServerContext* ctx, const v1::RefreshTokenRequest* req,
    v1::Session* resp) {
  struct Refreshed {
    auth::RefreshOutcome outcome;
    auth::AccountRecord account;
  };
  return WriteThenAnswer<Refreshed, v1::Session>(
      ctx, db_, Authn::kSkip,
      [token = req->refresh_token()](
          const CallContext&, Connection& c) -> absl::StatusOr<Refreshed> {
        Refreshed out;
        PUMPURS_ASSIGN_OR_RETURN(out.outcome,
                                 auth::RefreshSession(c, token, absl::Now()));
        if (out.outcome.status.ok()) {
          PUMPURS_ASSIGN_OR_RETURN(
              out.account, auth::GetAccountRecord(c, out.outcome.account_id));
        }
        return out;
      },
      resp,
      [](const Refreshed& r, v1::Session* out) {
        if (r.outcome.status.ok()) {
          ToProto(r.outcome.session, r.account, out);
        }
        return r.outcome.status;
      });
}

grpc::ServerUnaryReactor* AuthService::Logout(grpc::CallbackServerContext* ctx,
                                              const v1::LogoutRequest* req,
                                              google::protobuf::Empty* resp) {
  return Serve<bool, google::protobuf::Empty>(
      ctx, db_, Access::kWrite,
      [](const CallContext& call, Connection& c) -> absl::StatusOr<bool> {
        PUMPURS_RETURN_IF_ERROR(auth::RequireAuthenticated(call.principal));
        if (call.principal.session_id.empty()) {
          return Error(absl::StatusCode::kFailedPrecondition, "NO_SESSION",
                       "the call came with an API key, not a session; "
                       "revoke keys with RevokeApiKey");
        }
        PUMPURS_RETURN_IF_ERROR(
            auth::RevokeSession(c, call.principal.session_id));
        return true;
      },
      resp, [](const bool&, google::protobuf::Empty*) {});
}

grpc::ServerUnaryReactor* AuthService::WhoAmI(grpc::CallbackServerContext* ctx,
                                              const v1::WhoAmIRequest* req,
                                              v1::Account* resp) {
  return Serve<auth::AccountRecord, v1::Account>(
      ctx, db_, Access::kRead,
      [](const CallContext& call, Connection& c) {
        return auth::GetOwnAccount(c, call);
      },
      resp, [](const auto& a, auto* out) { ToProto(a, out); });
}

grpc::ServerUnaryReactor* AuthService::CreateAccount(
    grpc::CallbackServerContext* ctx, const v1::CreateAccountRequest* req,
    v1::Account* resp) {
  auto account =
      std::make_shared<const auth::NewAccount>(FromProto(req->account()));
  auto password = std::make_shared<const std::string>(req->password());
  return ReadThenWrite<Hashed, auth::AccountRecord, v1::Account>(
      ctx, db_, Authn::kCheck,
      [account, password, request_id = req->request_id()](
          const CallContext& call, Connection& c) -> absl::StatusOr<Hashed> {
        PUMPURS_RETURN_IF_ERROR(
            auth::CheckNewAccount(c, call, *account, *password, request_id));
        Hashed out;
        if (account->kind == auth::kUserKind) {
          PUMPURS_ASSIGN_OR_RETURN(out.password_hash,
                                   auth::HashNewPassword(*password));
        }
        return out;
      },
      [account, password, request_id = req->request_id()](
          const CallContext& call, Connection& c, const Hashed& hashed) {
        return auth::CreateAccount(c, call, *account, *password,
                                   hashed.password_hash, request_id,
                                   absl::Now());
      },
      resp,
      [](const auth::AccountRecord& a, v1::Account* out) {
        ToProto(a, out);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AuthService::GetAccount(
    grpc::CallbackServerContext* ctx, const v1::GetAccountRequest* req,
    v1::Account* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kAccounts, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<auth::AccountRecord, v1::Account>(
      ctx, db_, Access::kRead,
      [id = *id](const CallContext& call, Connection& c) {
        return auth::GetAccount(c, call, id);
      },
      resp, [](const auto& a, auto* out) { ToProto(a, out); });
}

grpc::ServerUnaryReactor* AuthService::ListAccounts(
    grpc::CallbackServerContext* ctx, const v1::ListAccountsRequest* req,
    v1::ListAccountsResponse* resp) {
  return Serve<auth::AccountPage, v1::ListAccountsResponse>(
      ctx, db_, Access::kRead,
      [size = req->page_size(), token = req->page_token()](
          const CallContext& call, Connection& c) {
        return auth::ListAccounts(c, call, size, token);
      },
      resp,
      [](const auth::AccountPage& page, v1::ListAccountsResponse* out) {
        for (const auto& a : page.accounts) ToProto(a, out->add_accounts());
        out->set_next_page_token(page.next_page_token);
      });
}

grpc::ServerUnaryReactor* AuthService::ResetPassword(
    grpc::CallbackServerContext* ctx, const v1::ResetPasswordRequest* req,
    v1::Account* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->name(), kAccounts, "name");
  if (!id.ok()) return Answer(ctx, id.status());
  auto password = std::make_shared<const std::string>(req->new_password());
  return ReadThenWrite<Hashed, auth::AccountRecord, v1::Account>(
      ctx, db_, Authn::kCheck,
      [id = *id, password](const CallContext& call,
                           Connection& c) -> absl::StatusOr<Hashed> {
        PUMPURS_RETURN_IF_ERROR(
            auth::CheckResetPassword(c, call, id, *password));
        Hashed out;
        PUMPURS_ASSIGN_OR_RETURN(out.password_hash,
                                 auth::HashNewPassword(*password));
        return out;
      },
      [id = *id, password](const CallContext& call, Connection& c,
                           const Hashed& hashed) {
        return auth::ResetPassword(c, call, id, *password, hashed.password_hash,
                                   absl::Now());
      },
      resp,
      [](const auth::AccountRecord& a, v1::Account* out) {
        ToProto(a, out);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AuthService::CreateApiKey(
    grpc::CallbackServerContext* ctx, const v1::CreateApiKeyRequest* req,
    v1::ApiKey* resp) {
  absl::StatusOr<std::string> id =
      ParseResourceName(req->parent(), kAccounts, "parent");
  if (!id.ok()) return Answer(ctx, id.status());
  return Serve<auth::IssuedApiKey, v1::ApiKey>(
      ctx, db_, Access::kWrite,
      [id = *id](const CallContext& call, Connection& c) {
        return auth::CreateApiKey(c, call, id, absl::Now());
      },
      resp,
      [](const auth::IssuedApiKey& key, v1::ApiKey* out) {
        out->set_name(absl::StrCat(ResourceName(kAccounts, key.account_id), "/",
                                   kApiKeys, "/", key.id));
        out->set_key(key.key);
        *out->mutable_create_time() = ToProto(key.create_time);
      });
}

grpc::ServerUnaryReactor* AuthService::RevokeApiKey(
    grpc::CallbackServerContext* ctx, const v1::RevokeApiKeyRequest* req,
    google::protobuf::Empty* resp) {
  absl::StatusOr<std::pair<std::string, std::string>> ids =
      ParseApiKeyName(req->name());
  if (!ids.ok()) return Answer(ctx, ids.status());
  return Serve<bool, google::protobuf::Empty>(
      ctx, db_, Access::kWrite,
      [ids = *ids](const CallContext& call,
                   Connection& c) -> absl::StatusOr<bool> {
        PUMPURS_RETURN_IF_ERROR(
            auth::RevokeApiKey(c, call, ids.first, ids.second));
        return true;
      },
      resp, [](const bool&, google::protobuf::Empty*) {});
}

}  // namespace pumpurs::rpc
