#ifndef PUMPURS_SERVER_KNOWLEDGE_SEED_FILES_H_
#define PUMPURS_SERVER_KNOWLEDGE_SEED_FILES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pumpurs::knowledge {

// One seed file: its name (e.g. "taxonomy.textproto") and its text
// (protobuf text format of pumpurs.v1.KnowledgeSeed).
struct SeedFile {
  std::string name;
  std::string text;
};

// The server/knowledge/seed/*.textproto files embedded at build time (a
// CMake-generated source), in name order.
const std::vector<SeedFile>& EmbeddedSeedFiles();

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_SEED_FILES_H_
