#include "cli/commands.h"

#include "absl/flags/flag.h"

// Shared flags (see commands.h).
ABSL_FLAG(std::string, institution, "",
          "pupils, staff, import, audit: the institution (institutions/ID or "
          "ID); stats: the scope (also by display name)");

ABSL_FLAG(std::string, locale, "",
          "kb: the language, lv or en (search: which texts; recommend: of "
          "the explanations)");
ABSL_FLAG(std::string, audience, "",
          "kb: only articles for this audience: staff, parents or pupils");
ABSL_FLAG(std::string, risk, "",
          "kb recommend: the risks, CODE:SEVERITY,... (severity low, medium "
          "or high)");

namespace pumpurs::cli {

Command AuditCommand();         // cli/audit_commands.cc
Command LoginCommand();         // cli/auth_commands.cc
Command LogoutCommand();        // cli/auth_commands.cc
Command WhoAmICommand();        // cli/auth_commands.cc
Command AccountsCommand();      // cli/auth_commands.cc
Command PupilsCommand();        // cli/people_commands.cc
Command GuardiansCommand();     // cli/people_commands.cc
Command StaffCommand();         // cli/people_commands.cc
Command ImportCommand();        // cli/people_commands.cc
Command KbCommand();            // cli/kb_commands.cc
Command ApplicationsCommand();  // cli/application_commands.cc
Command PlansCommand();         // cli/plan_commands.cc (+ delivery_commands.cc)
Command SyncCommand();          // cli/sync_commands.cc
Command InitiativesCommand();   // cli/initiative_commands.cc (+ calls)
Command SelfCheckCommand();     // cli/selfcheck_commands.cc
Command TrainingCommand();      // cli/training_commands.cc
Command StatsCommand();         // cli/stats_commands.cc (+ stats_chart.cc)

// Each group adds its commands here.
const std::vector<Command>& MoreCommands() {
  static const auto* commands = new std::vector<Command>{
      AuditCommand(),        LoginCommand(),     LogoutCommand(),
      WhoAmICommand(),       AccountsCommand(),  PupilsCommand(),
      GuardiansCommand(),    StaffCommand(),     ImportCommand(),
      KbCommand(),  // kb search/recommend: RunKbSearch
      ApplicationsCommand(), PlansCommand(),     SyncCommand(),
      InitiativesCommand(),  SelfCheckCommand(), TrainingCommand(),
      StatsCommand(),
      // --- add command groups above this line ---
  };
  return *commands;
}

}  // namespace pumpurs::cli
