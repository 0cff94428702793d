#ifndef PUMPURS_SERVER_KNOWLEDGE_SEED_SUPPORT_H_
#define PUMPURS_SERVER_KNOWLEDGE_SEED_SUPPORT_H_

// What every embedded seed loader needs (the knowledge base's, the
// self-check questionnaires'): the first parse error of a textproto with
// its position, a content hash that tells an edited item from the shipped
// one, and one INVALID_ARGUMENT naming every bad field.

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/common/error.h"

namespace pumpurs::knowledge {

// Keeps the first error TextFormat reports, as "line L, column C: ...".
class FirstSeedError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override;
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

// SHA-256 (hex) of the item's deterministic serialization.
std::string SeedHash(const google::protobuf::Message& item);

// INVALID_ARGUMENT, reason INVALID_SEED: "invalid <what>: field: why; ...",
// with the field violations attached.
absl::Status SeedError(absl::string_view what, const Violations& v);

}  // namespace pumpurs::knowledge

#endif  // PUMPURS_SERVER_KNOWLEDGE_SEED_SUPPORT_H_
