// pumpurs pupils list --institution=.. [--grade=..] [--name=..]
// pumpurs pupils show NAME
// pumpurs guardians list (--institution=.. | --pupil=..) [--name=..]
// pumpurs guardians show NAME
// pumpurs staff list --institution=.. [--position=..] [--name=..]
// pumpurs staff show NAME
// pumpurs import --institution=.. --kind=pupils|guardians|staff FILE
//                [--validate_only]

#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(int, grade, 0, "pupils list: only this grade (1 to 12)");
ABSL_FLAG(std::string, name, "",
          "pupils, guardians, staff list: only names starting with this "
          "(case and diacritics ignored)");
ABSL_FLAG(std::string, pupil, "",
          "guardians list: the guardians of this pupil (pupils/ID or ID)");
ABSL_FLAG(std::string, position, "",
          "staff list: only this position (teacher, psychologist, "
          "social_pedagogue, speech_therapist, special_education_teacher, "
          "teachers_assistant, head, other)");
ABSL_FLAG(bool, validate_only, false,
          "import: check every row and report, but store nothing");
// Defined in cli/main.cc.
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(absl::Duration, deadline);

namespace pumpurs::cli {
namespace {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

constexpr size_t kMaxFileBytes = size_t{16} * 1024 * 1024;

int Usage(absl::string_view message, absl::string_view usage) {
  std::fprintf(stderr, "pumpurs: %s\nusage: %s\n", std::string(message).c_str(),
               std::string(usage).c_str());
  return 2;
}

void PrintFields(const std::vector<std::pair<std::string, std::string>>& kv) {
  size_t width = 0;
  for (const auto& [k, v] : kv) width = std::max(width, k.size());
  for (const auto& [k, v] : kv) {
    std::printf("%-*s  %s\n", static_cast<int>(width + 1),
                absl::StrCat(k, ":").c_str(), v.c_str());
  }
}

std::string PositionName(v1::StaffPosition position) {
  return EnumWord(position);
}

// "" (unset) or a position with or without its prefix, in any case.
bool ParsePosition(absl::string_view text, v1::StaffPosition* position) {
  if (text.empty()) {
    *position = v1::STAFF_POSITION_UNSPECIFIED;
    return true;
  }
  return ParseEnumWord(text, position);
}

std::string GradeOrCourse(const v1::Pupil& p) {
  if (p.grade() != 0) return absl::StrCat(p.grade());
  if (p.vocational_course() != 0) {
    return absl::StrCat("course ", p.vocational_course());
  }
  return "";
}

// ---- pupils ----

constexpr char kPupilsUsage[] =
    "pumpurs pupils list --institution=.. [--grade=..] [--name=..]\n"
    "       pumpurs pupils show NAME";

int Pupils(const Client& client, const Args& args) {
  if (args.empty()) return Usage("pupils: list or show?", kPupilsUsage);
  if (args[0] == "list") {
    if (args.size() != 1)
      return Usage("pupils list takes no NAME", kPupilsUsage);
    v1::ListPupilsRequest request;
    request.set_institution(
        FullName("institutions", absl::GetFlag(FLAGS_institution)));
    request.set_grade(absl::GetFlag(FLAGS_grade));
    request.set_name_prefix(absl::GetFlag(FLAGS_name));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    v1::ListPupilsResponse all;
    absl::Status status = client.ForEachPupil(request, [&](const v1::Pupil& p) {
      *all.add_pupils() = p;
      return true;
    });
    if (!status.ok()) return Fail(status);
    if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
    Table table({"NAME", "FAMILY NAME", "GIVEN NAME", "BIRTH DATE", "GRADE",
                 "CLASS", "EXTERNAL ID"});
    for (const v1::Pupil& p : all.pupils()) {
      table.AddRow({p.name(), p.family_name(), p.given_name(), p.birth_date(),
                    GradeOrCourse(p), p.class_label(), p.external_id()});
    }
    std::fputs(table.Render().c_str(), stdout);
    return 0;
  }
  if (args[0] == "show") {
    if (args.size() != 2) return Usage("pupils show needs NAME", kPupilsUsage);
    v1::GetPupilRequest request;
    request.set_name(FullName("pupils", args[1]));
    absl::StatusOr<v1::Pupil> p = client.GetPupil(request);
    if (!p.ok()) return Fail(p.status());
    if (absl::GetFlag(FLAGS_json)) return PrintJson(*p);
    PrintFields(
        {{"name", p->name()},
         {"given_name", p->given_name()},
         {"family_name", p->family_name()},
         {"birth_date", p->birth_date()},
         {"grade", p->grade() ? absl::StrCat(p->grade()) : ""},
         {"vocational_course",
          p->vocational_course() ? absl::StrCat(p->vocational_course()) : ""},
         {"class_label", p->class_label()},
         {"institution", p->institution()},
         {"external_id", p->external_id()},
         {"guardians", absl::StrJoin(p->guardians(), ", ")},
         {"etag", p->etag()}});
    return 0;
  }
  return Usage(absl::StrCat("unknown pupils command: ", args[0]), kPupilsUsage);
}

// ---- guardians ----

constexpr char kGuardiansUsage[] =
    "pumpurs guardians list (--institution=.. | --pupil=..) [--name=..]\n"
    "       pumpurs guardians show NAME";

int Guardians(const Client& client, const Args& args) {
  if (args.empty()) return Usage("guardians: list or show?", kGuardiansUsage);
  if (args[0] == "list") {
    if (args.size() != 1) {
      return Usage("guardians list takes no NAME", kGuardiansUsage);
    }
    v1::ListGuardiansRequest request;
    request.set_institution(
        FullName("institutions", absl::GetFlag(FLAGS_institution)));
    request.set_pupil(FullName("pupils", absl::GetFlag(FLAGS_pupil)));
    request.set_name_prefix(absl::GetFlag(FLAGS_name));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    v1::ListGuardiansResponse all;
    absl::Status status =
        client.ForEachGuardian(request, [&](const v1::Guardian& g) {
          *all.add_guardians() = g;
          return true;
        });
    if (!status.ok()) return Fail(status);
    if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
    Table table({"NAME", "FAMILY NAME", "GIVEN NAME", "PUPILS", "EXTERNAL ID"});
    for (const v1::Guardian& g : all.guardians()) {
      table.AddRow({g.name(), g.family_name(), g.given_name(),
                    absl::StrJoin(g.pupils(), " "), g.external_id()});
    }
    std::fputs(table.Render().c_str(), stdout);
    return 0;
  }
  if (args[0] == "show") {
    if (args.size() != 2) {
      return Usage("guardians show needs NAME", kGuardiansUsage);
    }
    v1::GetGuardianRequest request;
    request.set_name(FullName("guardians", args[1]));
    absl::StatusOr<v1::Guardian> g = client.GetGuardian(request);
    if (!g.ok()) return Fail(g.status());
    if (absl::GetFlag(FLAGS_json)) return PrintJson(*g);
    PrintFields({{"name", g->name()},
                 {"given_name", g->given_name()},
                 {"family_name", g->family_name()},
                 {"external_id", g->external_id()},
                 {"pupils", absl::StrJoin(g->pupils(), ", ")},
                 {"etag", g->etag()}});
    return 0;
  }
  return Usage(absl::StrCat("unknown guardians command: ", args[0]),
               kGuardiansUsage);
}

// ---- staff ----

constexpr char kStaffUsage[] =
    "pumpurs staff list --institution=.. [--position=..] [--name=..]\n"
    "       pumpurs staff show NAME";

int Staff(const Client& client, const Args& args) {
  if (args.empty()) return Usage("staff: list or show?", kStaffUsage);
  if (args[0] == "list") {
    if (args.size() != 1) return Usage("staff list takes no NAME", kStaffUsage);
    v1::StaffPosition position;
    if (!ParsePosition(absl::GetFlag(FLAGS_position), &position)) {
      return Usage("unknown --position", kStaffUsage);
    }
    v1::ListStaffMembersRequest request;
    request.set_institution(
        FullName("institutions", absl::GetFlag(FLAGS_institution)));
    request.set_position(position);
    request.set_name_prefix(absl::GetFlag(FLAGS_name));
    request.set_page_size(absl::GetFlag(FLAGS_page_size));
    v1::ListStaffMembersResponse all;
    absl::Status status =
        client.ForEachStaffMember(request, [&](const v1::StaffMember& m) {
          *all.add_staff_members() = m;
          return true;
        });
    if (!status.ok()) return Fail(status);
    if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
    Table table(
        {"NAME", "FAMILY NAME", "GIVEN NAME", "POSITION", "EXTERNAL ID"});
    for (const v1::StaffMember& m : all.staff_members()) {
      table.AddRow({m.name(), m.family_name(), m.given_name(),
                    PositionName(m.position()), m.external_id()});
    }
    std::fputs(table.Render().c_str(), stdout);
    return 0;
  }
  if (args[0] == "show") {
    if (args.size() != 2) return Usage("staff show needs NAME", kStaffUsage);
    v1::GetStaffMemberRequest request;
    request.set_name(FullName("staff", args[1]));
    absl::StatusOr<v1::StaffMember> m = client.GetStaffMember(request);
    if (!m.ok()) return Fail(m.status());
    if (absl::GetFlag(FLAGS_json)) return PrintJson(*m);
    PrintFields({{"name", m->name()},
                 {"given_name", m->given_name()},
                 {"family_name", m->family_name()},
                 {"position", PositionName(m->position())},
                 {"institution", m->institution()},
                 {"external_id", m->external_id()},
                 {"etag", m->etag()}});
    return 0;
  }
  return Usage(absl::StrCat("unknown staff command: ", args[0]), kStaffUsage);
}

// ---- import ----

constexpr char kImportUsage[] =
    "pumpurs import --institution=.. --kind=pupils|guardians|staff FILE "
    "[--validate_only]";

// Draws "[#####-----] 5000/10000" on stderr: in place on a terminal, one
// line per update otherwise.
class ProgressBar {
 public:
  ProgressBar() : tty_(isatty(fileno(stderr)) != 0) {}
  void Draw(int done, int total) {
    constexpr int kWidth = 30;
    const int filled =
        total > 0
            ? static_cast<int>(static_cast<int64_t>(done) * kWidth / total)
            : 0;
    std::fprintf(stderr, "%s[%s%s] %d/%d%s", tty_ ? "\r" : "",
                 std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '-').c_str(), done, total,
                 tty_ ? "" : "\n");
    std::fflush(stderr);
    drawn_ = true;
  }
  void End() {
    if (drawn_ && tty_) std::fputc('\n', stderr);
  }

 private:
  const bool tty_;
  bool drawn_ = false;
};

int Import(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("import needs one FILE", kImportUsage);
  std::string kind = absl::AsciiStrToLower(absl::GetFlag(FLAGS_kind));
  v1::ImportKind import_kind;
  if (kind == "pupils") {
    import_kind = v1::IMPORT_KIND_PUPILS;
  } else if (kind == "guardians") {
    import_kind = v1::IMPORT_KIND_GUARDIANS;
  } else if (kind == "staff") {
    import_kind = v1::IMPORT_KIND_STAFF;
  } else {
    return Usage("--kind must be pupils, guardians or staff", kImportUsage);
  }
  if (absl::GetFlag(FLAGS_institution).empty()) {
    return Usage("--institution is required", kImportUsage);
  }
  std::ifstream in(args[0], std::ios::binary);
  if (!in) return Usage(absl::StrCat("cannot read ", args[0]), kImportUsage);
  std::stringstream data;
  data << in.rdbuf();
  if (data.str().size() > kMaxFileBytes) {
    return Usage(absl::StrCat(args[0], " is larger than 16 MiB"), kImportUsage);
  }
  v1::ImportPeopleRequest request;
  request.set_institution(
      FullName("institutions", absl::GetFlag(FLAGS_institution)));
  request.set_kind(import_kind);
  request.set_csv_data(data.str());
  request.set_validate_only(absl::GetFlag(FLAGS_validate_only));

  pumpurs::client::CallOptions options;
  options.deadline =
      std::max(absl::GetFlag(FLAGS_deadline), Client::kImportDeadline);
  ProgressBar bar;
  v1::ImportPeopleResponse report;
  absl::Status status = client.ImportPeople(
      request, &report,
      [&](const v1::ImportPeopleResponse& progress) {
        bar.Draw(progress.rows_done(), progress.rows_total());
      },
      options);
  if (report.done()) bar.Draw(report.rows_total(), report.rows_total());
  bar.End();
  if (!report.done()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(report);
  } else {
    if (request.validate_only()) {
      std::printf("validate only: nothing was stored\n");
    }
    PrintFields({{"rows", absl::StrCat(report.rows_total())},
                 {"created", absl::StrCat(report.created())},
                 {"updated", absl::StrCat(report.updated())},
                 {"unchanged", absl::StrCat(report.unchanged())},
                 {"errors", absl::StrCat(report.errors_size())}});
    for (const v1::ImportError& e : report.errors()) {
      if (e.column().empty()) {
        std::printf("line %d: %s\n", e.line(), e.reason().c_str());
      } else {
        std::printf("line %d, column %s: %s\n", e.line(), e.column().c_str(),
                    e.reason().c_str());
      }
    }
  }
  if (!status.ok()) {
    std::fprintf(stderr,
                 "pumpurs: the file has %d errors; nothing was stored\n",
                 report.errors_size());
    return 1;
  }
  return 0;
}

}  // namespace

Command PupilsCommand() { return {"pupils", Pupils}; }
Command GuardiansCommand() { return {"guardians", Guardians}; }
Command StaffCommand() { return {"staff", Staff}; }
Command ImportCommand() { return {"import", Import}; }

}  // namespace pumpurs::cli
