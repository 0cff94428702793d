// pumpurs-server: flags and signals only; everything else is in Server.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
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
ABSL_FLAG(std::string, tls_cert, "",
          "PEM file of the server's TLS certificate (chain); with --tls_key, "
          "serve TLS instead of plaintext");
ABSL_FLAG(std::string, tls_key, "",
          "PEM file of the private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM file of the CAs that sign client certificates: require and "
          "verify a client certificate on every connection (mutual TLS; "
          "needs --tls_cert and --tls_key)");
ABSL_FLAG(std::string, bootstrap_admin, "",
          "if no account has this username, create it as the first national "
          "administrator; its password is read from the environment variable "
          "PUMPURS_BOOTSTRAP_PASSWORD (never a flag, which others could see)");
ABSL_FLAG(absl::Duration, shutdown_drain, absl::ZeroDuration(),
          "on SIGTERM/SIGINT, keep serving this long after health reports "
          "NOT_SERVING (e.g. 5s behind a load balancer), then drain and stop");
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
  options.shutdown_drain = absl::GetFlag(FLAGS_shutdown_drain);
  if (options.shutdown_drain < absl::ZeroDuration() ||
      options.shutdown_drain > absl::Minutes(5)) {
    std::fprintf(stderr, "--shutdown_drain must be between 0s and 5m\n");
    return 2;
  }
  options.bootstrap_admin = absl::GetFlag(FLAGS_bootstrap_admin);
  if (!options.bootstrap_admin.empty()) {
    const char* password = std::getenv("PUMPURS_BOOTSTRAP_PASSWORD");
    if (password == nullptr || *password == '\0') {
      std::fprintf(stderr,
                   "--bootstrap_admin needs PUMPURS_BOOTSTRAP_PASSWORD\n");
      return 2;
    }
    options.bootstrap_password = password;
  }
  options.threads = absl::GetFlag(FLAGS_threads);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
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
