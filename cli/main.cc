// pumpurs: the command-line client of a Pumpurs server, built on the client
// library (pumpurs/client/client.h) only.
//
// Exit codes: 0 success; 1 the call failed (or health is not SERVING);
// 2 usage error (unknown command or flag, bad flag value).

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/token_file.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051",
          "the server to call, as a gRPC target (host:port)");
ABSL_FLAG(std::string, token, "",
          "bearer token sent with every call; if empty, $PUMPURS_TOKEN is "
          "used, else the token file of `pumpurs login` (never printed)");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10),
          "deadline of each call (each page of a list is one call)");
ABSL_FLAG(std::string, ca_file, "",
          "PEM file of root certificates: use TLS and verify the server with "
          "them (default: plaintext)");
ABSL_FLAG(std::string, cert_file, "",
          "mutual TLS: PEM file of this client's certificate (with "
          "--key_file and --ca_file)");
ABSL_FLAG(std::string, key_file, "",
          "mutual TLS: PEM file of the private key of --cert_file");
ABSL_FLAG(bool, gzip, false, "compress requests with gzip");
ABSL_FLAG(bool, json, false, "print results as protobuf JSON");
ABSL_FLAG(int, page_size, 0,
          "results per call when listing (0: the server's default); lists "
          "always follow every page");
ABSL_FLAG(std::string, display_name, "", "create: the display name");
ABSL_FLAG(std::string, code, "", "municipalities create: the ATVK code");
ABSL_FLAG(std::string, municipality, "",
          "institutions list: only this municipality; institutions create: "
          "the municipality (municipalities/ID or ID); stats: the scope "
          "(also by display name)");
ABSL_FLAG(std::string, kind, "",
          "institutions: municipal_general_school, state_vocational_school or "
          "college; accounts create: user or service");
ABSL_FLAG(std::string, registration_number, "",
          "institutions create: the ten-digit registration number");
ABSL_FLAG(std::string, request_id, "",
          "create: idempotency key (default: a random one)");

namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::cli::Fail;
using ::pumpurs::cli::FullName;
using ::pumpurs::cli::PrintJson;
using ::pumpurs::client::Client;

constexpr char kUsage[] = R"(Calls a Pumpurs server.

usage: pumpurs [flags] COMMAND [ARGS]

commands:
  health                          SERVING or NOT_SERVING (exit 0 only if SERVING)
  ping [PAYLOAD]                  round trip without the database
  info                            server version, schema version, start time
  municipalities list
  municipalities get NAME
  municipalities create --display_name=.. --code=..
  institutions list [--municipality=..] [--kind=..]
  institutions get NAME
  institutions create --display_name=.. --kind=.. --municipality=..
                      --registration_number=..
  login USERNAME [--password=..] [--print_token]
                                  sign in; stores the access token in the
                                  token file (--token_file) for later commands
  logout                          end the session of the current token
  whoami                          the signed-in account and its roles
  accounts list | get NAME        accounts (NAME: accounts/ID or username)
  accounts create --username=.. --kind=user|service [--role=ROLE:SCOPE]..
                  [--api_scopes=..] [--password=..]
  accounts reset-password NAME [--password=..]
  accounts create-key NAME | revoke-key KEY    API keys of service accounts
  audit list [--institution=..] [--municipality=..] [--resource=..]
             [--actor=..]         audit events in the caller's scope
  audit pupil-access PUPIL        who accessed a pupil's data
  pupils list --institution=.. [--grade=..] [--name=..]
  pupils show NAME                a pupil's record (read is audited)
  guardians list (--institution=.. | --pupil=..) [--name=..]
  guardians show NAME
  staff list --institution=.. [--position=..] [--name=..]
  staff show NAME
  import --institution=.. --kind=pupils|guardians|staff FILE [--validate_only]
                                  CSV import (";" or ","), with a progress
                                  bar; lists every bad row, stores nothing
                                  then (exit 1)
  applications create|get|list|withdraw     support-plan applications
  plans create|get|list|update|suggest|history
  plans submit|approve|reject|start|suspend|resume|revise|delete|evaluate|
        acknowledge NAME          a plan's lifecycle (pumpurs plans: usage)
  plans deliveries record|list    consultations and compensations given
  plans hours --institution=.. --start_month=YYYY-MM   hours for payment
  initiatives calls create|get|list|update|open|decide
                                  youth-initiative calls (competitions)
  initiatives create|get|list|update|submit|withdraw|score|start|report|
              accept              youth-initiative projects (pumpurs
                                  initiatives: usage)
  selfcheck questionnaires [--age_band=..] | show NAME
                                  parents' self-check questionnaires
  selfcheck take [NAME] [--age_band=grades_1_4|grades_5_9|grades_10_12|
                 vocational] [--locale=lv|en] [--answers=q1:often,..]
                                  answer on the terminal (no account needed,
                                  nothing stored); then, signed in, apply
                                  for a support plan sharing only the areas
                                  you choose (--apply --pupil=..
                                  --semester=.. --share=.. --note=..)
  selfcheck create|update|publish questionnaires (methodologists;
                                  --from_json=FILE)
  training events [--audience=..] [--kind=..] [--from=DAY] [--to=DAY]
                  [--article=..]  the staff-development catalogue
  training show|create|update|publish|cancel    events (organisers)
  training register NAME [--staff=..] | unregister REGISTRATION
  training registrations NAME | attendance REGISTRATION --attended|--absent
  training hours (--staff=.. | --institution=..) --from=DAY --to=DAY
                                  professional-development hours
  sync [TOKEN] [--watch]          the change feed (offline clients)
  stats indicators [SCOPE] PERIOD [--trend=N] [--lang=lv|en]
                                  programme indicators as tables (small
                                  cells print as "suppressed", never 0)
  stats export --out_dir=DIR [SCOPE] PERIOD [--lang=lv|en]
                                  the server's CSV files, one per report
  stats chart --out=FILE.svg [SCOPE] PERIOD   an SVG chart of the trend
                                  SCOPE: --municipality=.. | --institution=..
                                  (none: the whole country); PERIOD:
                                  --semester=2025-1 | --school_year=2025 |
                                  --school_years=2022-2025

NAME is "municipalities/ID" / "institutions/ID" or just ID. The server
validates creates and names every bad field.

Passwords: --password, else $PUMPURS_PASSWORD, else a prompt on the terminal.

main flags: --server, --token (default $PUMPURS_TOKEN, then the token file),
--token_file, --deadline, --json, --ca_file (TLS), --cert_file and
--key_file (mutual TLS), --gzip, --page_size; see --helpfull.
exit codes: 0 ok, 1 the call failed, 2 usage error)";

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int UsageError(absl::string_view message) {
  std::fprintf(stderr, "pumpurs: %s\nRun 'pumpurs --help' for usage.\n",
               std::string(message).c_str());
  return kExitUsage;
}

// The flags absl::ParseCommandLine itself understands (usage and flag
// files), which absl::FindCommandLineFlag does not know.
bool IsAbslBuiltinFlag(absl::string_view name) {
  for (absl::string_view builtin :
       {"help", "helpfull", "helpshort", "helppackage", "helpon", "helpmatch",
        "version", "only_check_args", "flagfile", "fromenv", "tryfromenv",
        "undefok"}) {
    if (name == builtin) return true;
  }
  return false;
}

// absl::ParseCommandLine exits with 1 on a bad flag; usage errors exit
// with 2 here, so check every flag first. "" if all are fine.
std::string CheckFlags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    absl::string_view name = arg;
    absl::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (IsAbslBuiltinFlag(name)) {
      // absl handles these itself; a separate value follows only for the
      // non-boolean ones.
      if (!has_value && name != "help" && name != "helpfull" &&
          name != "helpshort" && name != "helppackage" && name != "version" &&
          name != "only_check_args") {
        ++i;
      }
      continue;
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && !has_value && absl::StartsWith(name, "no")) {
      absl::CommandLineFlag* negated =
          absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>()) continue;
    }
    if (flag == nullptr) return absl::StrCat("unknown flag --", name);
    if (!has_value) {
      if (flag->IsOfType<bool>()) continue;
      if (i + 1 >= argc) return absl::StrCat("--", name, " needs a value");
      value = argv[++i];
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::StrCat("bad value for --", name,
                          name == "token" ? "" : absl::StrCat(": ", error));
    }
  }
  return "";
}

// ---- output ----

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(t);
}

std::string KindName(v1::InstitutionKind kind) {
  return pumpurs::cli::EnumWord(kind);
}

// "" (unset) or a kind with or without its prefix, in any case.
bool ParseKind(absl::string_view text, v1::InstitutionKind* kind) {
  if (text.empty()) {
    *kind = v1::INSTITUTION_KIND_UNSPECIFIED;
    return true;
  }
  return pumpurs::cli::ParseEnumWord(text, kind);
}

void PrintFields(const std::vector<std::pair<std::string, std::string>>& kv) {
  size_t width = 0;
  for (const auto& [k, v] : kv) width = std::max(width, k.size());
  for (const auto& [k, v] : kv) {
    std::printf("%-*s  %s\n", static_cast<int>(width + 1),
                absl::StrCat(k, ":").c_str(), v.c_str());
  }
}

int Print(const v1::Municipality& m) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(m);
  PrintFields({{"name", m.name()},
               {"display_name", m.display_name()},
               {"code", m.code()},
               {"etag", m.etag()},
               {"create_time", Time(m.create_time())},
               {"update_time", Time(m.update_time())}});
  return kExitOk;
}

int Print(const v1::Institution& i) {
  if (absl::GetFlag(FLAGS_json)) return PrintJson(i);
  PrintFields({{"name", i.name()},
               {"display_name", i.display_name()},
               {"kind", KindName(i.kind())},
               {"municipality", i.municipality()},
               {"registration_number", i.registration_number()},
               {"etag", i.etag()},
               {"create_time", Time(i.create_time())},
               {"update_time", Time(i.update_time())}});
  return kExitOk;
}

// ---- commands ----

using Args = std::vector<std::string>;  // after the command words

int Health(const Client& client, const Args& args) {
  if (!args.empty()) return UsageError("health takes no arguments");
  absl::StatusOr<pumpurs::client::ServingStatus> status = client.Health();
  if (!status.ok()) return Fail(status.status());
  const std::string name(pumpurs::client::ServingStatusName(*status));
  if (absl::GetFlag(FLAGS_json)) {
    std::printf("{\n  \"status\": \"%s\"\n}\n", name.c_str());
  } else {
    std::printf("%s\n", name.c_str());
  }
  return *status == pumpurs::client::ServingStatus::kServing ? kExitOk
                                                             : kExitFailed;
}

int Ping(const Client& client, const Args& args) {
  if (args.size() > 1) return UsageError("ping takes at most one PAYLOAD");
  v1::PingRequest request;
  if (!args.empty()) request.set_payload(args[0]);
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::PingResponse> response = client.Ping(request);
  const absl::Duration took = absl::Now() - start;
  if (!response.ok()) return Fail(response.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*response);
  std::printf("pong from %s in %s%s\n", client.target().c_str(),
              absl::FormatDuration(took).c_str(),
              response->payload().empty()
                  ? ""
                  : absl::StrCat(": ", response->payload()).c_str());
  return kExitOk;
}

int Info(const Client& client, const Args& args) {
  if (!args.empty()) return UsageError("info takes no arguments");
  absl::StatusOr<v1::ServerInfo> info = client.GetServerInfo();
  if (!info.ok()) return Fail(info.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*info);
  PrintFields({{"server", client.target()},
               {"version", info->version()},
               {"schema_version", absl::StrCat(info->schema_version())},
               {"start_time", Time(info->start_time())}});
  return kExitOk;
}

int Municipalities(const Client& client, const Args& args) {
  if (args.empty()) return UsageError("municipalities: list, get or create?");
  const std::string& verb = args[0];
  if (verb == "list") {
    if (args.size() != 1)
      return UsageError("municipalities list takes no NAME");
    v1::ListMunicipalitiesRequest request;
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    v1::ListMunicipalitiesResponse all;
    absl::Status status =
        client.ForEachMunicipality(request, [&](const v1::Municipality& m) {
          *all.add_municipalities() = m;
          return true;
        });
    if (!status.ok()) return Fail(status);
    if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
    pumpurs::cli::Table table({"NAME", "CODE", "DISPLAY NAME"});
    for (const auto& m : all.municipalities()) {
      table.AddRow({m.name(), m.code(), m.display_name()});
    }
    std::fputs(table.Render().c_str(), stdout);
    return kExitOk;
  }
  if (verb == "get") {
    if (args.size() != 2) return UsageError("usage: municipalities get NAME");
    v1::GetMunicipalityRequest request;
    request.set_name(FullName("municipalities", args[1]));
    absl::StatusOr<v1::Municipality> m = client.GetMunicipality(request);
    return m.ok() ? Print(*m) : Fail(m.status());
  }
  if (verb == "create") {
    if (args.size() != 1) {
      return UsageError(
          "usage: municipalities create --display_name=.. --code=..");
    }
    v1::CreateMunicipalityRequest request;
    request.mutable_municipality()->set_display_name(
        absl::GetFlag(FLAGS_display_name));
    request.mutable_municipality()->set_code(absl::GetFlag(FLAGS_code));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    absl::StatusOr<v1::Municipality> m = client.CreateMunicipality(request);
    return m.ok() ? Print(*m) : Fail(m.status());
  }
  return UsageError(absl::StrCat("unknown municipalities command: ", verb));
}

int Institutions(const Client& client, const Args& args) {
  if (args.empty()) return UsageError("institutions: list, get or create?");
  const std::string& verb = args[0];
  v1::InstitutionKind kind;
  if (!ParseKind(absl::GetFlag(FLAGS_kind), &kind)) {
    return UsageError(absl::StrCat(
        "--kind must be municipal_general_school, state_vocational_school or "
        "college, not ",
        absl::GetFlag(FLAGS_kind)));
  }
  if (verb == "list") {
    if (args.size() != 1) return UsageError("institutions list takes no NAME");
    v1::ListInstitutionsRequest request;
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    request.set_municipality(
        FullName("municipalities", absl::GetFlag(FLAGS_municipality)));
    request.set_kind(kind);
    v1::ListInstitutionsResponse all;
    absl::Status status =
        client.ForEachInstitution(request, [&](const v1::Institution& i) {
          *all.add_institutions() = i;
          return true;
        });
    if (!status.ok()) return Fail(status);
    if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
    pumpurs::cli::Table table(
        {"NAME", "KIND", "REGISTRATION", "MUNICIPALITY", "DISPLAY NAME"});
    for (const auto& i : all.institutions()) {
      table.AddRow({i.name(), KindName(i.kind()), i.registration_number(),
                    i.municipality(), i.display_name()});
    }
    std::fputs(table.Render().c_str(), stdout);
    return kExitOk;
  }
  if (verb == "get") {
    if (args.size() != 2) return UsageError("usage: institutions get NAME");
    v1::GetInstitutionRequest request;
    request.set_name(FullName("institutions", args[1]));
    absl::StatusOr<v1::Institution> i = client.GetInstitution(request);
    return i.ok() ? Print(*i) : Fail(i.status());
  }
  if (verb == "create") {
    if (args.size() != 1) {
      return UsageError(
          "usage: institutions create --display_name=.. --kind=.. "
          "--municipality=.. --registration_number=..");
    }
    v1::CreateInstitutionRequest request;
    v1::Institution* i = request.mutable_institution();
    i->set_display_name(absl::GetFlag(FLAGS_display_name));
    i->set_kind(kind);
    i->set_municipality(
        FullName("municipalities", absl::GetFlag(FLAGS_municipality)));
    i->set_registration_number(absl::GetFlag(FLAGS_registration_number));
    request.set_request_id(absl::GetFlag(FLAGS_request_id));
    absl::StatusOr<v1::Institution> created = client.CreateInstitution(request);
    return created.ok() ? Print(*created) : Fail(created.status());
  }
  return UsageError(absl::StrCat("unknown institutions command: ", verb));
}

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig config;
  config.version_string = [] {
    return absl::StrCat("pumpurs ", PUMPURS_VERSION, "\n");
  };
  // --help lists the flags of this file.
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "cli/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(kUsage);

  if (std::string error = CheckFlags(argc, argv); !error.empty()) {
    return UsageError(error);
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  Args words(positional.begin() + 1, positional.end());
  if (words.empty()) {
    std::fprintf(stderr, "%s\n", kUsage);
    return kExitUsage;
  }
  const std::string command = words[0];
  const Args args(words.begin() + 1, words.end());
  bool known = command == "health" || command == "ping" || command == "info" ||
               command == "municipalities" || command == "institutions";
  for (const pumpurs::cli::Command& c : pumpurs::cli::MoreCommands()) {
    known = known || command == c.name;
  }
  if (!known) return UsageError(absl::StrCat("unknown command: ", command));

  pumpurs::client::ClientOptions options;
  options.target = absl::GetFlag(FLAGS_server);
  // --token, else $PUMPURS_TOKEN, else the file `pumpurs login` wrote
  // (which login itself neither needs nor trusts: it replaces it).
  if (command != "login") options.access_token = pumpurs::cli::EffectiveToken();
  options.default_deadline = absl::GetFlag(FLAGS_deadline);
  if (options.default_deadline <= absl::ZeroDuration()) {
    return UsageError("--deadline must be positive");
  }
  options.gzip = absl::GetFlag(FLAGS_gzip);
  if (const std::string ca_file = absl::GetFlag(FLAGS_ca_file);
      !ca_file.empty()) {
    std::ifstream in(ca_file);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in || pem.str().empty()) {
      return UsageError(absl::StrCat("cannot read --ca_file ", ca_file));
    }
    options.tls_root_certs_pem = pem.str();
  }
  // Mutual TLS: the client's certificate and key.
  const std::pair<const char*, std::string> client_files[] = {
      {"cert_file", absl::GetFlag(FLAGS_cert_file)},
      {"key_file", absl::GetFlag(FLAGS_key_file)}};
  std::string* client_pems[] = {&options.tls_client_cert_pem,
                                &options.tls_client_key_pem};
  for (int i = 0; i < 2; ++i) {
    const auto& [flag, path] = client_files[i];
    if (path.empty()) continue;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || text.str().empty()) {
      return UsageError(absl::StrCat("cannot read --", flag, " ", path));
    }
    *client_pems[i] = text.str();
  }
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  if (!client.ok()) {
    // Only our own option checks fail here; their messages never hold the
    // token.
    return UsageError(client.status().message());
  }

  if (command == "health") return Health(**client, args);
  if (command == "ping") return Ping(**client, args);
  if (command == "info") return Info(**client, args);
  if (command == "municipalities") return Municipalities(**client, args);
  if (command == "institutions") return Institutions(**client, args);
  // Commands of later issues live in files of their own (cli/commands.h).
  for (const pumpurs::cli::Command& c : pumpurs::cli::MoreCommands()) {
    if (command == c.name) return c.run(**client, args);
  }
  return UsageError(absl::StrCat("unknown command: ", command));
}
