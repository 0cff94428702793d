#ifndef PUMPURS_TESTS_AUTH_AUTH_FIXTURE_H_
#define PUMPURS_TESTS_AUTH_AUTH_FIXTURE_H_

// A product-schema database on a temporary file, with helpers that run the
// auth domain in real executor transactions (WriteSync/ReadSync), as the
// RPC layer does, and that make accounts, callers and directory rows.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/accounts.h"
#include "server/auth/authenticate.h"
#include "server/auth/secrets.h"
#include "server/auth/sessions.h"
#include "server/common/call_context.h"
#include "server/common/log.h"
#include "server/storage/database.h"
#include "tests/testing/database_fixture.h"
#include "tests/testing/status_matchers.h"

namespace pumpurs::auth {

class AuthTest : public ::pumpurs::testing::DatabaseTest {
 protected:
  // An account stored directly (no validation); `password` empty makes a
  // service account.
  AccountRecord MakeAccount(const std::string& username,
                            const std::string& password,
                            std::vector<RoleBinding> roles = {},
                            std::vector<std::string> api_scopes = {}) {
    AccountRecord a;
    a.username = username;
    a.is_service = password.empty();
    if (!password.empty()) {
      absl::StatusOr<std::string> hash = HashPassword(password);
      EXPECT_THAT(hash, ::pumpurs::testing::IsOk());
      a.password_hash = hash.ok() ? *hash : "";
    }
    a.roles = std::move(roles);
    a.api_scopes = std::move(api_scopes);
    absl::StatusOr<AccountRecord> stored =
        Write<AccountRecord>([&](storage::Connection& c) {
          return InsertAccount(c, a, absl::Now());
        });
    EXPECT_THAT(stored, ::pumpurs::testing::IsOk());
    return stored.ok() ? *stored : AccountRecord{};
  }

  // A call made by `account` with these roles (as authentication would set
  // it up).
  static CallContext CallBy(const AccountRecord& account) {
    CallContext call;
    call.principal.account_id = account.id;
    call.principal.is_service = account.is_service;
    call.principal.roles = account.roles;
    call.principal.api_scopes = account.api_scopes;
    call.caller_id = call.principal.ActorName();
    return call;
  }

  // The call a bearer token authenticates to at `now`, or its refusal.
  absl::StatusOr<CallContext> AuthenticateToken(const std::string& token,
                                                absl::Time now = absl::Now()) {
    CallContext call;
    call.bearer_token = token;
    absl::Status s = db_->ReadSync(CallContext{}, [&](storage::Connection& c) {
      return Authenticate(c, call, now);
    });
    if (!s.ok()) return s;
    return call;
  }

  // A municipality and an institution in it, by raw SQL (ids as given).
  void MakeInstitution(const std::string& institution_id,
                       const std::string& municipality_id) {
    static int n = 0;
    ++n;
    ASSERT_THAT(
        Exec(absl::StrCat(
            "INSERT OR IGNORE INTO municipalities (id, display_name, sort_key, "
            "code, version, create_time, update_time) VALUES ('",
            municipality_id, "', 'M', x'00', '", 1000000 + n, "', 1, 0, 0);",
            "INSERT INTO institutions (id, display_name, sort_key, kind, "
            "municipality_id, registration_number, version, create_time, "
            "update_time) VALUES ('",
            institution_id, "', 'I', x'00', 1, '", municipality_id, "', '",
            4000000000 + n, "', 1, 0, 0);")),
        ::pumpurs::testing::IsOk());
  }
};

}  // namespace pumpurs::auth

#endif  // PUMPURS_TESTS_AUTH_AUTH_FIXTURE_H_
