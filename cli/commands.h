#ifndef PUMPURS_CLI_COMMANDS_H_
#define PUMPURS_CLI_COMMANDS_H_

// Commands beyond the foundation's, each group in a file of its own
// (auth_commands.cc, people_commands.cc, audit_commands.cc, ...), listed by
// MoreCommands() in commands.cc.

#include <functional>
#include <string>
#include <vector>

#include "pumpurs/client/client.h"

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
