#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/auth/bootstrap.h"
#include "server/common/log.h"
#include "server/common/version.h"
#include "server/demo/demo_data.h"
#include "server/knowledge/seed_loader.h"
#include "server/rpc/audit_service.h"
#include "server/rpc/auth_service.h"
#include "server/rpc/call_log.h"
#include "server/rpc/directory_service.h"
#include "server/rpc/initiative_service.h"
#include "server/rpc/knowledge_service.h"
#include "server/rpc/self_check_service.h"
#include "server/rpc/statistics_service.h"
#include "server/rpc/support_plan_service.h"
#include "server/rpc/sync_service.h"
#include "server/rpc/system_service.h"
#include "server/rpc/training_service.h"
#include "server/selfcheck/seed.h"
#include "server/statistics/counters.h"

namespace pumpurs {
namespace {

// The whole of a PEM file, with an error that names the option and the path
// (never the contents: a key is secret).
absl::StatusOr<std::string> ReadPem(absl::string_view option,
                                    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot read ", option, " file ", path, ": ", std::strerror(errno)));
  }
  std::stringstream pem;
  pem << in.rdbuf();
  if (in.bad() || !absl::StrContains(pem.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(option, " file ", path, " is not a PEM file"));
  }
  return pem.str();
}

// Plaintext, TLS or mutual TLS, from the options.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  const bool cert = !options.tls_cert_file.empty();
  const bool key = !options.tls_key_file.empty();
  const bool client_ca = !options.tls_client_ca_file.empty();
  if (cert != key) {
    return absl::InvalidArgumentError(
        "tls_cert and tls_key go together: give both for TLS, or neither");
  }
  if (client_ca && !cert) {
    return absl::InvalidArgumentError(
        "tls_client_ca (mutual TLS) needs tls_cert and tls_key");
  }
  if (!cert) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  absl::StatusOr<std::string> chain =
      ReadPem("tls_cert", options.tls_cert_file);
  if (!chain.ok()) return chain.status();
  absl::StatusOr<std::string> private_key =
      ReadPem("tls_key", options.tls_key_file);
  if (!private_key.ok()) return private_key.status();
  pair.cert_chain = *std::move(chain);
  pair.private_key = *std::move(private_key);
  grpc::SslServerCredentialsOptions ssl(
      client_ca ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (client_ca) {
    absl::StatusOr<std::string> roots =
        ReadPem("tls_client_ca", options.tls_client_ca_file);
    if (!roots.ok()) return roots.status();
    ssl.pem_root_certs = *std::move(roots);
  }
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(ssl);
}

absl::string_view TransportName(const ServerOptions& options) {
  if (options.tls_cert_file.empty()) return "plaintext";
  return options.tls_client_ca_file.empty() ? "tls" : "mtls";
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options) {
  // Certificates first: a typo in a path should not cost a migration.
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      Credentials(options);
  if (!credentials.ok()) return credentials.status();
  std::unique_ptr<Server> server(new Server());
  storage::DatabaseOptions db_options;
  db_options.path = options.db_path;
  db_options.readers = options.threads;
  db_options.connection.durability = options.durability;
  absl::StatusOr<std::unique_ptr<storage::Database>> db =
      storage::Database::Open(db_options);
  if (!db.ok()) return db.status();
  server->db_ = *std::move(db);
  server->shutdown_drain_ = options.shutdown_drain;
  // The knowledge base shipped with the release, into every database.
  if (absl::StatusOr<knowledge::SeedCounts> seeded =
          knowledge::LoadEmbeddedSeed(*server->db_);
      !seeded.ok()) {
    return seeded.status();
  }
  // The self-check questionnaires, which link the seed's guides.
  if (absl::StatusOr<selfcheck::QuestionnaireSeedCounts> seeded =
          selfcheck::LoadEmbeddedQuestionnaireSeed(*server->db_);
      !seeded.ok()) {
    return seeded.status();
  }
  // Counters for programme statistics, rebuilt from the plans if new.
  if (absl::Status s = statistics::EnsureBuilt(*server->db_); !s.ok()) {
    return s;
  }
  if (options.demo) {
    if (absl::Status s = demo::SeedIfEmpty(*server->db_); !s.ok()) return s;
  }
  if (!options.bootstrap_admin.empty()) {
    CallContext call;
    call.caller_id = "system:bootstrap";
    bool created = false;
    absl::Status s = server->db_->WriteSync(
        call, [&](storage::Connection& c) -> absl::Status {
          absl::StatusOr<bool> made =
              auth::BootstrapAdmin(c, options.bootstrap_admin,
                                   options.bootstrap_password, absl::Now());
          if (!made.ok()) return made.status();
          created = *made;
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
    LogLine("bootstrap_admin").Int("created", created ? 1 : 0);
  }

  server->services_.push_back(std::make_unique<rpc::SystemService>(
      server->db_->schema_version(), absl::Now()));
  server->services_.push_back(
      std::make_unique<rpc::DirectoryService>(*server->db_));
  server->services_.push_back(std::make_unique<rpc::AuthService>(*server->db_));
  server->services_.push_back(
      std::make_unique<rpc::AuditService>(*server->db_));
  server->services_.push_back(
      std::make_unique<rpc::KnowledgeBaseService>(*server->db_));
  server->services_.push_back(
      std::make_unique<rpc::SupportPlanService>(*server->db_));
  server->services_.push_back(
      std::make_unique<rpc::YouthInitiativeService>(*server->db_));
  server->services_.push_back(
      std::make_unique<rpc::SelfCheckService>(*server->db_));
  server->services_.push_back(
      std::make_unique<rpc::TrainingService>(*server->db_));
  server->services_.push_back(
      std::make_unique<rpc::StatisticsService>(*server->db_));
  server->notifier_ = std::make_unique<sync::ChangeNotifier>(*server->db_);
  server->services_.push_back(
      std::make_unique<rpc::SyncService>(*server->db_, *server->notifier_));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, *credentials, &server->port_);
  for (auto& service : server->services_)
    builder.RegisterService(service.get());
  // Mobile clients: allow keepalive pings every 30 s without data, so an app
  // can keep a channel warm, and accept gzip-compressed messages.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // 17 MiB: an ImportPeople request carries a CSV file of up to 16 MiB.
  builder.SetMaxReceiveMessageSize(17 * 1024 * 1024);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(std::make_unique<rpc::CallLogFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen));
  }
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  LogLine("server_started")
      .Str("version", kVersion)
      .Int("port", server->port_)
      .Str("transport", TransportName(options))
      .Int("schema_version", server->db_->schema_version());
  return server;
}

void Server::Stop(absl::Duration grace) {
  if (stopped_) return;
  stopped_ = true;
  // Start() failed before the gRPC server was built (bad database, port in
  // use, ...): nothing serves yet, and db_ (if any) closes itself.
  if (server_ == nullptr) return;
  LogLine("server_stopping");  // NOLINT(bugprone-unused-raii): writes on
                               // destruction
  server_->GetHealthCheckService()->SetServingStatus(false);
  if (shutdown_drain_ > absl::ZeroDuration()) {
    // Keep answering while load balancers notice NOT_SERVING and stop
    // sending new calls here.
    absl::SleepFor(shutdown_drain_);
  }
  // Open WatchChanges streams would otherwise wait out `grace`: wake them
  // to finish (UNAVAILABLE, resume elsewhere with the last token).
  notifier_->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  db_->Close();
  LogLine(
      "server_stopped");  // NOLINT(bugprone-unused-raii): writes on destruction
}

Server::~Server() { Stop(); }

}  // namespace pumpurs
