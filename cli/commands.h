#ifndef PUMPURS_CLI_COMMANDS_H_
#define PUMPURS_CLI_COMMANDS_H_

// Commands beyond the foundation's, each group in a file of its own
// (auth_commands.cc, people_commands.cc, audit_commands.cc, ...), listed by
// MoreCommands() in commands.cc.

#include <functional>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "pumpurs/client/client.h"

// Flags several command groups share are defined once, in commands.cc (a
// flag defined twice aborts the program); main.cc defines --municipality,
// --kind, --display_name, --page_size, --json, ... (declare those with
// ABSL_DECLARE_FLAG where needed).
// --institution: "institutions/ID" or ID.
ABSL_DECLARE_FLAG(std::string, institution);
// --locale, --audience, --risk: the knowledge-base commands (kb ...).
ABSL_DECLARE_FLAG(std::string, locale);
ABSL_DECLARE_FLAG(std::string, audience);
ABSL_DECLARE_FLAG(std::string, risk);

namespace pumpurs::cli {

struct Command {
  std::string name;  // first word on the command line
  // Gets the words after the command name; returns the exit code (0 ok,
  // 1 call failed, 2 usage error).
  std::function<int(const pumpurs::client::Client&,
                    const std::vector<std::string>& args)>
      run;
};

const std::vector<Command>& MoreCommands();

}  // namespace pumpurs::cli

#endif  // PUMPURS_CLI_COMMANDS_H_
