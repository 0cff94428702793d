// pumpurs-server: flags and signals only; everything else is in Server.

#include <csignal>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "server/common/version.h"
#include "server/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to serve gRPC on (port 0 picks a free port)");
ABSL_FLAG(std::string, db, "var/pumpurs.db",
          "SQLite database file; created and migrated if needed");
ABSL_FLAG(bool, demo, false, "seed demo data into a new database");
ABSL_FLAG(int, threads, 4, "storage executor threads serving reads");
ABSL_FLAG(std::string, durability, "full",
          "full: a commit survives power loss (default); normal: faster, may "
          "lose the last commits on power loss");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound port here once serving (for tests)");

int main(int argc, char** argv) {
  absl::FlagsUsageConfig config;
  config.version_string = [] {
    return absl::StrCat("pumpurs-server ", pumpurs::kVersion, "\n");
  };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(
      "Serves the Pumpurs gRPC API over one SQLite database.");
  absl::ParseCommandLine(argc, argv);

  // Block the stop signals in every thread (new threads inherit the mask);
  // main waits for them with sigwait and then shuts down in order.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  pumpurs::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.db_path = absl::GetFlag(FLAGS_db);
  options.demo = absl::GetFlag(FLAGS_demo);
  options.threads = absl::GetFlag(FLAGS_threads);
  const std::string durability = absl::GetFlag(FLAGS_durability);
  if (durability == "normal") {
    options.durability = pumpurs::storage::Durability::kNormal;
  } else if (durability != "full") {
    std::fprintf(stderr, "--durability must be full or normal\n");
    return 2;
  }
  if (options.threads < 1 || options.threads > 64) {
    std::fprintf(stderr, "--threads must be between 1 and 64\n");
    return 2;
  }

  absl::StatusOr<std::unique_ptr<pumpurs::Server>> server =
      pumpurs::Server::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "pumpurs-server: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file);
      !port_file.empty()) {
    const std::string tmp = port_file + ".tmp";
    if (FILE* f = std::fopen(tmp.c_str(), "w")) {
      std::fprintf(f, "%d\n", (*server)->port());
      std::fclose(f);
      std::rename(tmp.c_str(), port_file.c_str());
    }
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*server)->Stop();
  return 0;
}
