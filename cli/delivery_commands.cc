// pumpurs plans deliveries record PLAN --measure=ID --date=YYYY-MM-DD
//          (--minutes=N | --amount_cents=N) --mode=on_site|remote
//          --evidence=.. [--confirmation_date=..] [--evidence_reference=..]
//          [--provider=..]
// pumpurs plans deliveries list PLAN [--measure=ID]
// pumpurs plans hours --institution=.. --start_month=YYYY-MM
//          [--end_month=YYYY-MM] [--provider=..]
//
// Called by the "plans" command group (cli/plan_commands.cc).

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "cli/commands.h"
#include "cli/enum_words.h"
#include "cli/output.h"
#include "cli/plan_format.h"
#include "cli/table.h"
#include "pumpurs/client/client.h"

ABSL_FLAG(std::string, measure, "",
          "plans deliveries: the measure's id in the plan");
ABSL_FLAG(std::string, date, "",
          "plans deliveries record: the day it was given (YYYY-MM-DD)");
ABSL_FLAG(int, minutes, 0,
          "plans deliveries record: a consultation's length in minutes");
ABSL_FLAG(int64_t, amount_cents, 0,
          "plans deliveries record: a compensation's amount in euro cents");
ABSL_FLAG(std::string, mode, "", "plans deliveries record: on_site or remote");
ABSL_FLAG(std::string, evidence, "",
          "plans deliveries record: pupil_signature, email, e_klase_message "
          "or payment_document");
ABSL_FLAG(std::string, confirmation_date, "",
          "plans deliveries record: when the pupil's confirmation of a remote "
          "consultation arrived (YYYY-MM-DD)");
ABSL_FLAG(std::string, evidence_reference, "",
          "plans deliveries record: form number or message id");
ABSL_FLAG(std::string, start_month, "", "plans hours: first month, YYYY-MM");
ABSL_FLAG(std::string, end_month, "",
          "plans hours: last month, YYYY-MM (default: --start_month)");

namespace pumpurs::cli {

namespace v1 = ::pumpurs::v1;
using ::pumpurs::client::Client;
using Args = std::vector<std::string>;

namespace {

constexpr char kUsage[] =
    "usage: pumpurs plans deliveries record PLAN --measure=ID "
    "--date=YYYY-MM-DD (--minutes=N | --amount_cents=N) "
    "--mode=on_site|remote "
    "--evidence=pupil_signature|email|e_klase_message|payment_document "
    "[--confirmation_date=YYYY-MM-DD] [--evidence_reference=..] "
    "[--provider=..]\n"
    "       pumpurs plans deliveries list PLAN [--measure=ID]\n"
    "       pumpurs plans hours --institution=.. --start_month=YYYY-MM "
    "[--end_month=YYYY-MM] [--provider=..]";

int Usage(absl::string_view message) { return PlanUsage(message, kUsage); }

std::string Amount(const v1::DeliveryRecord& d) {
  if (d.duration_minutes() > 0)
    return absl::StrCat(d.duration_minutes(), " min");
  if (d.amount_cents() > 0) {
    return absl::StrFormat("%d.%02d EUR", d.amount_cents() / 100,
                           d.amount_cents() % 100);
  }
  return "";
}

// The id after ".../deliveries/".
std::string ShortId(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

int Record(const Client& client, const Args& args) {
  if (args.size() != 3) return Usage("plans deliveries record needs PLAN");
  v1::RecordDeliveryRequest request;
  request.set_parent(FullName("supportPlans", args[2]));
  v1::DeliveryRecord* d = request.mutable_delivery();
  d->set_measure_id(absl::GetFlag(FLAGS_measure));
  d->set_date(absl::GetFlag(FLAGS_date));
  d->set_duration_minutes(absl::GetFlag(FLAGS_minutes));
  d->set_amount_cents(absl::GetFlag(FLAGS_amount_cents));
  d->set_provider(FullName("staff", absl::GetFlag(FLAGS_provider)));
  if (const std::string mode = absl::GetFlag(FLAGS_mode); !mode.empty()) {
    v1::DeliveryMode parsed;
    if (!ParseEnumWord(mode, &parsed)) {
      return Usage("--mode must be on_site or remote");
    }
    d->set_mode(parsed);
  }
  if (const std::string ev = absl::GetFlag(FLAGS_evidence); !ev.empty()) {
    v1::EvidenceType parsed;
    if (!ParseEnumWord(ev, &parsed)) {
      return Usage(
          "--evidence must be pupil_signature, email, e_klase_message or "
          "payment_document");
    }
    d->set_evidence(parsed);
  }
  d->set_confirmation_date(absl::GetFlag(FLAGS_confirmation_date));
  d->set_evidence_reference(absl::GetFlag(FLAGS_evidence_reference));
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  absl::StatusOr<v1::DeliveryRecord> made = client.RecordDelivery(request);
  if (!made.ok()) return Fail(made.status());
  if (absl::GetFlag(FLAGS_json)) return PrintJson(*made);
  PrintFields({{"name", made->name()},
               {"measure", made->measure_id()},
               {"date", made->date()},
               {"given", Amount(*made)},
               {"mode", EnumWord(made->mode())},
               {"evidence", EnumWord(made->evidence())},
               {"provider", made->provider()}});
  return 0;
}

int List(const Client& client, const Args& args) {
  if (args.size() != 3) return Usage("plans deliveries list needs PLAN");
  v1::ListDeliveriesRequest request;
  request.set_parent(FullName("supportPlans", args[2]));
  request.set_measure_id(absl::GetFlag(FLAGS_measure));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListDeliveriesResponse all;
  absl::Status status =
      client.ForEachDelivery(request, [&](const v1::DeliveryRecord& d) {
        *all.add_deliveries() = d;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  Table table(
      {"ID", "MEASURE", "DATE", "GIVEN", "MODE", "EVIDENCE", "PROVIDER"});
  for (const v1::DeliveryRecord& d : all.deliveries()) {
    table.AddRow({ShortId(d.name()), d.measure_id(), d.date(), Amount(d),
                  EnumWord(d.mode()), EnumWord(d.evidence()), d.provider()});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

}  // namespace

int PlanDeliveries(const Client& client, const Args& args) {
  if (args.size() < 2) return Usage("plans deliveries: record or list?");
  if (args[1] == "record") return Record(client, args);
  if (args[1] == "list") return List(client, args);
  return Usage(absl::StrCat("unknown plans deliveries command: ", args[1]));
}

int PlanHours(const Client& client, const Args& args) {
  if (args.size() != 1) return Usage("plans hours takes no arguments");
  v1::ListDeliveredHoursRequest request;
  request.set_institution(
      FullName("institutions", absl::GetFlag(FLAGS_institution)));
  request.set_start_month(absl::GetFlag(FLAGS_start_month));
  request.set_end_month(absl::GetFlag(FLAGS_end_month));
  request.set_provider(FullName("staff", absl::GetFlag(FLAGS_provider)));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  v1::ListDeliveredHoursResponse all;
  absl::Status status =
      client.ForEachDeliveredHours(request, [&](const v1::DeliveredHours& h) {
        *all.add_rows() = h;
        return true;
      });
  if (!status.ok()) return Fail(status);
  if (absl::GetFlag(FLAGS_json)) return PrintJson(all);
  // Minutes, as the server counts them: how long an hour is for payment is
  // not the CLI's to decide.
  Table table({"MONTH", "PROVIDER", "CONSULTATIONS", "MINUTES",
               "REMOTE MINUTES", "PLANS"});
  for (const v1::DeliveredHours& h : all.rows()) {
    table.AddRow({h.month(), h.provider(), absl::StrCat(h.consultations()),
                  absl::StrCat(h.minutes()), absl::StrCat(h.remote_minutes()),
                  absl::StrCat(h.plans())});
  }
  std::fputs(table.Render().c_str(), stdout);
  return 0;
}

}  // namespace pumpurs::cli
