#ifndef PUMPURS_TESTS_CLIENT_OFFLINE_TEST_UTIL_H_
#define PUMPURS_TESTS_CLIENT_OFFLINE_TEST_UTIL_H_

// The real pumpurs-server binary as a child process on a fixed loopback port
// over a database file, so a test can stop it (SIGTERM or SIGKILL) and start
// it again on the same file and port while a client keeps working: the
// in-process TestServer cannot be restarted on its port.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pumpurs/client/client.h"

namespace pumpurs::client::testing {

inline constexpr char kDemoPassword[] = "demo-parole-2026";

// A loopback port nobody listens on now (the kernel's choice).
inline int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Runs `argv` with stdout and stderr appended to `log` (may be empty: then
// inherited). Returns the pid, or -1.
inline pid_t Spawn(const std::vector<std::string>& argv, const std::string& log,
                   const std::vector<std::string>& env = {}) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  if (!log.empty()) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
  }
  for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

// Waits for `pid`; its exit status as waitpid reports it.
inline int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

class ServerProcess {
 public:
  ServerProcess(std::string binary, std::string db, std::string log)
      : binary_(std::move(binary)),
        db_(std::move(db)),
        log_(std::move(log)),
        port_(FreePort()) {}
  ~ServerProcess() { Kill(); }

  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }

  // Starts the server (demo data on a new file) and waits until it answers.
  absl::Status Start() {
    if (pid_ > 0) return absl::OkStatus();
    pid_ = Spawn({binary_, "--demo", "--listen", target(), "--db", db_,
                  "--threads", "2"},
                 log_);
    if (pid_ < 0) return absl::InternalError("fork failed");
    // Probe with plain TCP first: a gRPC channel that failed to connect
    // backs off for a second or more before it tries again.
    const absl::Time until = absl::Now() + absl::Seconds(60);
    while (absl::Now() < until) {
      if (Listening()) {
        ClientOptions options;
        options.target = target();
        options.default_deadline = absl::Seconds(5);
        absl::StatusOr<std::unique_ptr<Client>> probe = Client::Create(options);
        if (!probe.ok()) return probe.status();
        return (*probe)->Ping(v1::PingRequest()).status();
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return absl::InternalError("the server exited; see its log");
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return absl::DeadlineExceededError("the server did not come up");
  }

  // Stops it in order (SIGTERM), as an operator would.
  void Stop() { Signal(SIGTERM); }
  // Kills it at once (SIGKILL): a crash or a power cut of the server.
  void Kill() { Signal(SIGKILL); }
  bool running() const { return pid_ > 0; }

 private:
  bool Listening() const {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    const bool ok =
        connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return ok;
  }

  void Signal(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    Reap(pid_);
    pid_ = -1;
  }

  std::string binary_;
  std::string db_;
  std::string log_;
  int port_;
  pid_t pid_ = -1;
};

inline absl::StatusOr<std::unique_ptr<Client>> ClientWithToken(
    const std::string& target, const std::string& token) {
  ClientOptions options;
  options.target = target;
  options.access_token = token;
  options.default_deadline = absl::Seconds(5);
  return Client::Create(options);
}

// Signs a demo account in; the access token (the sessions live in the
// server's database, so it outlives a server restart).
inline absl::StatusOr<std::string> DemoToken(const std::string& target,
                                             const std::string& username) {
  absl::StatusOr<std::unique_ptr<Client>> c = ClientWithToken(target, "");
  if (!c.ok()) return c.status();
  v1::LoginRequest login;
  login.set_username(username);
  login.set_password(kDemoPassword);
  absl::StatusOr<v1::Session> s = (*c)->Login(login);
  if (!s.ok()) return s.status();
  return s->access_token();
}

}  // namespace pumpurs::client::testing

#endif  // PUMPURS_TESTS_CLIENT_OFFLINE_TEST_UTIL_H_
