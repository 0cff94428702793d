#ifndef PUMPURS_CLI_ENUM_WORDS_H_
#define PUMPURS_CLI_ENUM_WORDS_H_

// Enum values as command-line words: the value's name without the prefix
// its enum shares (taken from the *_UNSPECIFIED value), in lower case —
// INSTITUTION_KIND_STATE_VOCATIONAL_SCHOOL is "state_vocational_school".
// One conversion for every enum the CLI prints or reads.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/generated_enum_reflection.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace pumpurs::cli {

namespace enum_words_internal {

// "INSTITUTION_KIND_" from INSTITUTION_KIND_UNSPECIFIED.
inline std::string Prefix(const google::protobuf::EnumDescriptor* d) {
  const google::protobuf::EnumValueDescriptor* zero = d->FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  return absl::ConsumeSuffix(&name, "UNSPECIFIED") ? std::string(name) : "";
}

}  // namespace enum_words_internal

// The word for `value`, with `separator` between its parts ('_' or '-');
// the number for a value the enum does not know.
template <typename E>
std::string EnumWord(E value, char separator = '_') {
  const google::protobuf::EnumDescriptor* d =
      google::protobuf::GetEnumDescriptor<E>();
  const google::protobuf::EnumValueDescriptor* v =
      d->FindValueByNumber(static_cast<int>(value));
  if (v == nullptr) return absl::StrCat(static_cast<int>(value));
  std::string word = absl::AsciiStrToLower(
      absl::StripPrefix(v->name(), enum_words_internal::Prefix(d)));
  if (separator != '_') {
    word = absl::StrReplaceAll(word, {{"_", std::string(1, separator)}});
  }
  return word;
}

// Reads a word (or the full name), in any case, with '_' or '-'. False for
// an unknown word and for the unspecified value.
template <typename E>
bool ParseEnumWord(absl::string_view text, E* out) {
  const google::protobuf::EnumDescriptor* d =
      google::protobuf::GetEnumDescriptor<E>();
  std::string name =
      absl::StrReplaceAll(absl::AsciiStrToUpper(text), {{"-", "_"}});
  const std::string prefix = enum_words_internal::Prefix(d);
  if (!absl::StartsWith(name, prefix)) name = prefix + name;
  const google::protobuf::EnumValueDescriptor* v = d->FindValueByName(name);
  if (v == nullptr || v->number() == 0) return false;
  *out = static_cast<E>(v->number());
  return true;
}

}  // namespace pumpurs::cli

#endif  // PUMPURS_CLI_ENUM_WORDS_H_
