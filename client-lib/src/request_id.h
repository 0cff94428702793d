#ifndef PUMPURS_CLIENT_SRC_REQUEST_ID_H_
#define PUMPURS_CLIENT_SRC_REQUEST_ID_H_

#include <string>

namespace pumpurs::client::internal {

// A random (version 4) UUID in its 36-character text form, for the
// request_id of a create the caller left empty. Thread-safe.
std::string NewRequestId();

}  // namespace pumpurs::client::internal

#endif  // PUMPURS_CLIENT_SRC_REQUEST_ID_H_
