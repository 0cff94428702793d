#include "cli/token_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

ABSL_FLAG(std::string, token_file, "",
          "where login stores the access token and other commands read it "
          "when --token and $PUMPURS_TOKEN are empty (default: "
          "$XDG_CONFIG_HOME/pumpurs/token or ~/.config/pumpurs/token)");
ABSL_DECLARE_FLAG(std::string, token);  // cli/main.cc

namespace pumpurs::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(errno)));
}

// mkdir -p with mode 0700 for the folders it makes.
absl::Status MakeParents(const std::string& path) {
  for (size_t at = path.find('/', 1); at != std::string::npos;
       at = path.find('/', at + 1)) {
    const std::string dir = path.substr(0, at);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return Errno("create the folder", dir);
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string TokenFilePath() {
  if (std::string flag = absl::GetFlag(FLAGS_token_file); !flag.empty()) {
    return flag;
  }
  // XDG: a relative XDG_CONFIG_HOME is invalid and ignored.
  if (std::string xdg = Env("XDG_CONFIG_HOME"); !xdg.empty() && xdg[0] == '/') {
    return absl::StrCat(xdg, "/pumpurs/token");
  }
  if (std::string home = Env("HOME"); !home.empty()) {
    return absl::StrCat(home, "/.config/pumpurs/token");
  }
  return "";
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return std::string();
    return Errno("read the token file", path);
  }
  std::string text;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < 4096) {
    text.append(buf, n);
  }
  std::fclose(f);
  return std::string(absl::StripAsciiWhitespace(text));
}

absl::Status WriteTokenFile(const std::string& path, const std::string& token) {
  if (absl::Status s = MakeParents(path); !s.ok()) return s;
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  const int fd =
      open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("write the token file", tmp);
  const std::string text = token + "\n";
  const bool written =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  // The mode of an existing temporary file may be wider; make it ours.
  const bool private_mode = fchmod(fd, 0600) == 0;
  if (close(fd) != 0 || !written || !private_mode) {
    absl::Status s = Errno("write the token file", tmp);
    unlink(tmp.c_str());
    return s;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status s = Errno("write the token file", path);
    unlink(tmp.c_str());
    return s;
  }
  return absl::OkStatus();
}

std::string EffectiveToken(bool* from_file) {
  if (from_file != nullptr) *from_file = false;
  if (std::string flag = absl::GetFlag(FLAGS_token); !flag.empty()) return flag;
  if (std::string env = Env("PUMPURS_TOKEN"); !env.empty()) return env;
  const std::string path = TokenFilePath();
  if (path.empty()) return "";
  absl::StatusOr<std::string> stored = ReadTokenFile(path);
  if (!stored.ok() || stored->empty()) return "";
  if (from_file != nullptr) *from_file = true;
  return *stored;
}

}  // namespace pumpurs::cli
