#include "cli/commands.h"

namespace pumpurs::cli {

// Each group adds its commands here.
const std::vector<Command>& MoreCommands() {
  static const auto* commands = new std::vector<Command>{
      // --- add command groups above this line ---
  };
  return *commands;
}

}  // namespace pumpurs::cli
