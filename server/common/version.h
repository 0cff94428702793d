#ifndef PUMPURS_SERVER_COMMON_VERSION_H_
#define PUMPURS_SERVER_COMMON_VERSION_H_

#include "absl/strings/string_view.h"

namespace pumpurs {

// The release of this build (CMake's project version).
inline constexpr absl::string_view kVersion = PUMPURS_VERSION;

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_COMMON_VERSION_H_
