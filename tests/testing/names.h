#ifndef PUMPURS_TESTS_TESTING_NAMES_H_
#define PUMPURS_TESTS_TESTING_NAMES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pumpurs::testing {

// The id at the end of a resource name: "pupils/abc" → "abc",
// "trainingEvents/e/registrations/r" → "r".
inline std::string IdOf(absl::string_view name) {
  return std::string(name.substr(name.rfind('/') + 1));
}

}  // namespace pumpurs::testing

#endif  // PUMPURS_TESTS_TESTING_NAMES_H_
