// pumpurs login USERNAME [--password=..] [--print_token] [--token_file=..]
// pumpurs logout
// pumpurs whoami
// pumpurs accounts list | get NAME | create --username=.. --kind=.. ... |
//                  reset-password NAME | create-key NAME | revoke-key KEY
//
// Passwords come from --password, else $PUMPURS_PASSWORD, else a prompt on
// the terminal with echo off; they are never printed. The access token is
// printed only with --print_token; otherwise login stores it in the token
// file (cli/token_file.h) that later commands read.

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/token_file.h"
#include "pumpurs/client/client.h"

namespace pumpurs::cli {

// --role may be given several times and each time as a comma list; absl
// keeps only the last value of a flag, so the values are gathered here.
// (main.cc parses every flag twice, first to check it: duplicates are
// dropped, which a repeated role binding would be anyway.)
struct RoleList {
  std::vector<std::string> items;
};

bool AbslParseFlag(absl::string_view text, RoleList* list, std::string*) {
  static std::vector<std::string>* all = new std::vector<std::string>();
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::string item(absl::StripAsciiWhitespace(part));
    if (!item.empty() &&
        std::find(all->begin(), all->end(), item) == all->end()) {
      all->push_back(item);
    }
  }
  list->items = *all;
  return true;
}

std::string AbslUnparseFlag(const RoleList& list) {
  return absl::StrJoin(list.items, ",");
}

}  // namespace pumpurs::cli

ABSL_FLAG(std::string, password, "",
          "login, accounts create/reset-password: the password (visible to "
          "other users in the process list: prefer $PUMPURS_PASSWORD or the "
          "prompt)");
ABSL_FLAG(bool, print_token, false,
          "login: print the access token on stdout instead of storing it in "
          "the token file");
ABSL_FLAG(std::string, username, "", "accounts create: the username");
ABSL_FLAG(pumpurs::cli::RoleList, role, {},
          "accounts create: a role binding ROLE[:SCOPE], e.g. "
          "plan_preparer:institutions/ID or national_administrator; repeat "
          "the flag or give a comma list");
ABSL_FLAG(std::vector<std::string>, api_scopes, {},
          "accounts create: API scopes of a service account, comma "
          "separated (directory.read, directory.write, directory.import, "
          "audit.read, accounts.admin)");
// Defined in cli/main.cc.
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(int, page_size);

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;

constexpr int kOk = 0;
constexpr int kUsage = 2;

int Usage(absl::string_view message) {
  std::fprintf(stderr, "pumpurs: %s\nRun 'pumpurs --help' for usage.\n",
               std::string(message).c_str());
  return kUsage;
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(t);
}

// ROLE_PLAN_PREPARER → plan_preparer.
std::string RoleName(v1::Role role) { return EnumWord(role); }

std::string Roles(const v1::Account& a) {
  std::vector<std::string> out;
  for (const auto& b : a.role_bindings()) {
    out.push_back(b.scope().empty()
                      ? RoleName(b.role())
                      : absl::StrCat(RoleName(b.role()), ":", b.scope()));
  }
  return absl::StrJoin(out, ", ");
}

std::string KindName(v1::AccountKind kind) { return EnumWord(kind); }

int Print(const v1::Account& a) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(a);
  std::vector<std::pair<std::string, std::string>> kv = {
      {"name", a.name()},
      {"username", a.username()},
      {"kind", KindName(a.kind())},
      {"roles", Roles(a)}};
  if (a.api_scopes_size() > 0) {
    kv.push_back({"api_scopes", absl::StrJoin(a.api_scopes(), ", ")});
  }
  if (a.has_locked_until())
    kv.push_back({"locked_until", Time(a.locked_until())});
  kv.push_back({"etag", a.etag()});
  kv.push_back({"create_time", Time(a.create_time())});
  size_t width = 0;
  for (const auto& [k, v] : kv) width = std::max(width, k.size());
  for (const auto& [k, v] : kv) {
    std::printf("%-*s  %s\n", static_cast<int>(width + 1),
                absl::StrCat(k, ":").c_str(), v.c_str());
  }
  return kOk;
}

// Reads a line from the terminal without echoing it. False if stdin is not
// a terminal or nothing could be read.
bool Prompt(const std::string& prompt, std::string* out) {
  if (!isatty(STDIN_FILENO)) return false;
  std::fprintf(stderr, "%s", prompt.c_str());
  std::fflush(stderr);
  termios saved;
  const bool have_termios = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (have_termios) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool read = static_cast<bool>(std::getline(std::cin, *out));
  if (have_termios) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  std::fprintf(stderr, "\n");
  return read;
}

// --password, $PUMPURS_PASSWORD or the prompt (asked twice when `confirm`).
// Empty with a message printed if there is none.
std::string Password(const std::string& prompt, bool confirm) {
  if (std::string flag = absl::GetFlag(FLAGS_password); !flag.empty()) {
    return flag;
  }
  if (const char* env = std::getenv("PUMPURS_PASSWORD");
      env != nullptr && *env != '\0') {
    return env;
  }
  std::string password;
  if (!Prompt(prompt, &password) || password.empty()) {
    std::fprintf(stderr,
                 "pumpurs: no password: give --password, set "
                 "PUMPURS_PASSWORD or run on a terminal\n");
    return "";
  }
  if (confirm) {
    std::string again;
    if (!Prompt("Again: ", &again) || again != password) {
      std::fprintf(stderr, "pumpurs: the passwords differ\n");
      return "";
    }
  }
  return password;
}

// "accounts/ID" as given; anything else is a username, looked up (an
// administrator's list), or if no account has it, an id.
absl::StatusOr<std::string> AccountName(const Client& client,
                                        const std::string& arg) {
  if (absl::StrContains(arg, '/')) return arg;
  std::string found;
  v1::ListAccountsRequest request;
  request.set_page_size(500);
  absl::Status status =
      client.ForEachAccount(request, [&](const v1::Account& a) {
        if (a.username() != arg) return true;
        found = a.name();
        return false;
      });
  if (!status.ok() && status.code() != absl::StatusCode::kPermissionDenied) {
    return status;
  }
  return found.empty() ? absl::StrCat("accounts/", arg) : found;
}

// ROLE[:SCOPE], with SCOPE a full name or an id of the role's collection.
bool ParseRole(const std::string& text, v1::RoleBinding* out) {
  std::pair<std::string, std::string> parts =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  v1::Role role;
  if (!ParseEnumWord(parts.first, &role)) return false;
  out->set_role(role);
  std::string scope = parts.second;
  if (!scope.empty() && !absl::StrContains(scope, '/')) {
    switch (role) {
      case v1::ROLE_MUNICIPALITY_COORDINATOR:
        scope = absl::StrCat("municipalities/", scope);
        break;
      case v1::ROLE_GUARDIAN:
        scope = absl::StrCat("guardians/", scope);
        break;
      case v1::ROLE_ADULT_PUPIL:
        scope = absl::StrCat("pupils/", scope);
        break;
      default:
        scope = absl::StrCat("institutions/", scope);
    }
  }
  out->set_scope(scope);
  return true;
}

int Login(const Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) return Usage("usage: pumpurs login USERNAME");
  const bool print = absl::GetFlag(FLAGS_print_token);
  const std::string path = TokenFilePath();
  if (!print && path.empty()) {
    return Usage("no place for the token: give --token_file or --print_token");
  }
  v1::LoginRequest request;
  request.set_username(args[0]);
  request.set_password(Password(absl::StrCat("Password for ", args[0], ": "),
                                /*confirm=*/false));
  if (request.password().empty()) return kUsage;
  absl::StatusOr<v1::Session> session = client.Login(request);
  if (!session.ok()) return Fail(session.status());
  if (print) {
    std::printf("%s\n", session->access_token().c_str());
    return kOk;
  }
  if (absl::Status s = WriteTokenFile(path, session->access_token()); !s.ok()) {
    return Fail(s);
  }
  std::printf("signed in as %s; the access token (valid until %s) is in %s\n",
              session->account().username().c_str(),
              Time(session->access_token_expire_time()).c_str(), path.c_str());
  return kOk;
}

int Logout(const Client& client, const std::vector<std::string>& args) {
  if (!args.empty()) return Usage("logout takes no arguments");
  bool from_file = false;
  EffectiveToken(&from_file);
  absl::Status status = client.Logout();
  if (!status.ok()) return Fail(status);
  if (from_file) std::remove(TokenFilePath().c_str());
  std::printf("signed out\n");
  return kOk;
}

int WhoAmI(const Client& client, const std::vector<std::string>& args) {
  if (!args.empty()) return Usage("whoami takes no arguments");
  absl::StatusOr<v1::Account> me = client.WhoAmI();
  return me.ok() ? Print(*me) : Fail(me.status());
}

int CreateAccount(const Client& client) {
  v1::CreateAccountRequest request;
  v1::Account* a = request.mutable_account();
  a->set_username(absl::GetFlag(FLAGS_username));
  const std::string kind = absl::AsciiStrToLower(absl::GetFlag(FLAGS_kind));
  if (kind == "user") {
    a->set_kind(v1::ACCOUNT_KIND_USER);
  } else if (kind == "service") {
    a->set_kind(v1::ACCOUNT_KIND_SERVICE);
  } else {
    return Usage("accounts create: --kind must be user or service");
  }
  for (const std::string& text : absl::GetFlag(FLAGS_role).items) {
    if (!ParseRole(text, a->add_role_bindings())) {
      return Usage(absl::StrCat(
          "--role must be ROLE[:SCOPE] with ROLE one of institution_head, "
          "institution_coordinator, plan_preparer, measure_provider, "
          "municipality_coordinator, national_administrator, methodologist, "
          "guardian, adult_pupil; not ",
          text));
    }
  }
  for (const std::string& scope : absl::GetFlag(FLAGS_api_scopes)) {
    a->add_api_scopes(scope);
  }
  if (a->kind() == v1::ACCOUNT_KIND_USER) {
    request.set_password(Password(
        absl::StrCat("Password for ", a->username(), ": "), /*confirm=*/true));
    if (request.password().empty()) return kUsage;
  }
  absl::StatusOr<v1::Account> created = client.CreateAccount(request);
  return created.ok() ? Print(*created) : Fail(created.status());
}

int Accounts(const Client& client, const std::vector<std::string>& args) {
  constexpr char kAccountsUsage[] =
      "usage: pumpurs accounts list | get NAME | create --username=.. "
      "--kind=user|service [--role=ROLE:SCOPE].. [--api_scopes=..] | "
      "reset-password NAME | create-key NAME | revoke-key KEY";
  if (args.empty()) return Usage(kAccountsUsage);
  const std::string& verb = args[0];
  if (verb == "list" && args.size() == 1) {
    v1::ListAccountsRequest request;
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    v1::ListAccountsResponse all;
    absl::Status status =
        client.ForEachAccount(request, [&](const v1::Account& a) {
          *all.add_accounts() = a;
          return true;
        });
    if (!status.ok()) return Fail(status);
    if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
    Table table({"NAME", "USERNAME", "KIND", "ROLES"});
    for (const auto& a : all.accounts()) {
      table.AddRow({a.name(), a.username(), KindName(a.kind()), Roles(a)});
    }
    std::fputs(table.Render().c_str(), stdout);
    return kOk;
  }
  if (verb == "create" && args.size() == 1) return CreateAccount(client);
  if (verb == "revoke-key" && args.size() == 2) {
    v1::RevokeApiKeyRequest request;
    request.set_name(args[1]);
    absl::Status status = client.RevokeApiKey(request);
    if (!status.ok()) return Fail(status);
    std::printf("revoked %s\n", args[1].c_str());
    return kOk;
  }
  if (args.size() != 2 ||
      (verb != "get" && verb != "reset-password" && verb != "create-key")) {
    return Usage(kAccountsUsage);
  }
  absl::StatusOr<std::string> name = AccountName(client, args[1]);
  if (!name.ok()) return Fail(name.status());
  if (verb == "get") {
    v1::GetAccountRequest request;
    request.set_name(*name);
    absl::StatusOr<v1::Account> a = client.GetAccount(request);
    return a.ok() ? Print(*a) : Fail(a.status());
  }
  if (verb == "reset-password") {
    v1::ResetPasswordRequest request;
    request.set_name(*name);
    request.set_new_password(
        Password(absl::StrCat("New password for ", args[1], ": "),
                 /*confirm=*/true));
    if (request.new_password().empty()) return kUsage;
    absl::StatusOr<v1::Account> a = client.ResetPassword(request);
    return a.ok() ? Print(*a) : Fail(a.status());
  }
  v1::CreateApiKeyRequest request;
  request.set_parent(*name);
  absl::StatusOr<v1::ApiKey> key = client.CreateApiKey(request);
  if (!key.ok()) return Fail(key.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*key);
  // The one time the key is shown: on stdout, alone on its line, so that
  // scripts can capture it; the name goes to stderr.
  std::fprintf(stderr, "%s (shown only now; store it safely):\n",
               key->name().c_str());
  std::printf("%s\n", key->key().c_str());
  return kOk;
}

}  // namespace

Command LoginCommand() { return {"login", Login}; }
Command LogoutCommand() { return {"logout", Logout}; }
Command WhoAmICommand() { return {"whoami", WhoAmI}; }
Command AccountsCommand() { return {"accounts", Accounts}; }

}  // namespace pumpurs::cli
