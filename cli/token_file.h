#ifndef PUMPURS_CLI_TOKEN_FILE_H_
#define PUMPURS_CLI_TOKEN_FILE_H_

// Where `pumpurs login` keeps the access token, and which token a command
// sends: --token, else $PUMPURS_TOKEN, else the token file.

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

ABSL_DECLARE_FLAG(std::string, token_file);

namespace pumpurs::cli {

// --token_file, else $XDG_CONFIG_HOME/pumpurs/token, else
// $HOME/.config/pumpurs/token; "" if none can be found.
std::string TokenFilePath();

// The token stored at `path` (whitespace trimmed); "" if there is no file.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// Stores `token` at `path`, readable by the user only (0600; the folder is
// made 0700 if missing), replacing the file atomically.
absl::Status WriteTokenFile(const std::string& path, const std::string& token);

// The token to send: --token, else $PUMPURS_TOKEN, else the token file's
// (an unreadable or missing file means none). `from_file` tells whether it
// came from the file.
std::string EffectiveToken(bool* from_file = nullptr);

}  // namespace pumpurs::cli

#endif  // PUMPURS_CLI_TOKEN_FILE_H_
