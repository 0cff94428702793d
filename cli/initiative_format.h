#ifndef PUMPURS_CLI_INITIATIVE_FORMAT_H_
#define PUMPURS_CLI_INITIATIVE_FORMAT_H_

// What the youth-initiative commands (initiatives calls ..., initiatives
// ...) share: reading the list flags and printing calls and projects.
// Flags, JSON files and usage errors are those of cli/plan_format.h.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "pumpurs/v1/youth_initiative.pb.h"

namespace pumpurs::cli {

// "1234.50 EUR".
std::string EuroText(int64_t cents);

// "Atbilstība:30;Ietekme:40" → criteria (titles may hold ':', the last one
// separates the points). False, with `error` set, if malformed.
bool ParseCriteria(absl::string_view text,
                   google::protobuf::RepeatedPtrField<v1::Criterion>* out,
                   std::string* error);

// "ID:POINTS,ID:POINTS" → scores. False, with `error` set, if malformed.
bool ParseScores(absl::string_view text,
                 google::protobuf::RepeatedPtrField<v1::CriterionScore>* out,
                 std::string* error);

// Every field of a call, then one line per criterion (JSON with --json).
int PrintCall(const v1::Call& c);
// The project for reading: its fields, then one line per activity, budget
// line, member and evaluation (JSON with --json). The at-risk counts are
// printed only when not 0: others than the call's owner always get 0.
int PrintInitiative(const v1::Initiative& i);
// What an action changed: name, state, decision, etag.
int PrintInitiativeState(const v1::Initiative& i);
// A table of calls / projects (JSON of the whole list with --json is the
// caller's).
void PrintCallTable(const google::protobuf::RepeatedPtrField<v1::Call>& calls);
void PrintInitiativeTable(
    const google::protobuf::RepeatedPtrField<v1::Initiative>& list);

}  // namespace pumpurs::cli

#endif  // PUMPURS_CLI_INITIATIVE_FORMAT_H_
