#ifndef PUMPURS_SERVER_SERVER_H_
#define PUMPURS_SERVER_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"
#include "server/sync/change_notifier.h"

namespace pumpurs {

struct ServerOptions {
  // host:port; port 0 picks a free port (see Server::port()).
  std::string listen = "127.0.0.1:50051";
  std::string db_path = "var/pumpurs.db";
  // Seed demo data if the database is new.
  bool demo = false;
  // Storage executor threads that serve reads (the writer is one more).
  int threads = 4;
  storage::Durability durability = storage::Durability::kFull;
  // TLS: PEM files of the server's certificate (chain) and private key, both
  // or neither; neither serves plaintext (fit for loopback only).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Mutual TLS: PEM file of the CA certificates that sign client
  // certificates. Set, every client must present a certificate that one of
  // them signed, or the handshake fails. Needs tls_cert_file and
  // tls_key_file.
  std::string tls_client_ca_file;
  // If set and no account has this username, create it as the first
  // national administrator with `bootstrap_password` (a new installation has
  // no account to sign in with otherwise).
  std::string bootstrap_admin;
  std::string bootstrap_password;
  // How long Stop() keeps serving after health turns NOT_SERVING, so that
  // load balancers can move traffic away before the port closes.
  absl::Duration shutdown_drain = absl::ZeroDuration();
};

// The whole server: every service, health checking and reflection, over one
// database. Stop() shuts down in order: health NOT_SERVING → stop accepting
// and drain in-flight calls (the executor still runs, so they finish) →
// drain the executor → checkpoint and close the database.
class Server {
 public:
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options);
  ~Server();

  int port() const { return port_; }
  storage::Database& database() { return *db_; }

  // Idempotent; waits at most `grace` for in-flight calls before cancelling
  // them.
  void Stop(absl::Duration grace = absl::Seconds(10));

 private:
  Server() = default;

  std::unique_ptr<storage::Database> db_;
  // Wakes WatchChanges streams; after db_ so it is destroyed first (its
  // thread reads the database), before services_ so it outlives them.
  std::unique_ptr<sync::ChangeNotifier> notifier_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool stopped_ = false;
  absl::Duration shutdown_drain_ = absl::ZeroDuration();
};

}  // namespace pumpurs

#endif  // PUMPURS_SERVER_SERVER_H_
