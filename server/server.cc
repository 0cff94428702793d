#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/common/version.h"
#include "server/demo/demo_data.h"
#include "server/rpc/call_log.h"
#include "server/rpc/directory_service.h"
#include "server/rpc/system_service.h"

namespace pumpurs {

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options) {
  std::unique_ptr<Server> server(new Server());
  storage::DatabaseOptions db_options;
  db_options.path = options.db_path;
  db_options.readers = options.threads;
  db_options.connection.durability = options.durability;
  absl::StatusOr<std::unique_ptr<storage::Database>> db =
      storage::Database::Open(db_options);
  if (!db.ok()) return db.status();
  server->db_ = *std::move(db);
  if (options.demo) {
    if (absl::Status s = demo::SeedIfEmpty(*server->db_); !s.ok()) return s;
  }

  server->services_.push_back(std::make_unique<rpc::SystemService>(
      server->db_->schema_version(), absl::Now()));
  server->services_.push_back(
      std::make_unique<rpc::DirectoryService>(*server->db_));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &server->port_);
  for (auto& service : server->services_)
    builder.RegisterService(service.get());
  // Mobile clients: allow keepalive pings every 30 s without data, so an app
  // can keep a channel warm, and accept gzip-compressed messages.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.SetMaxReceiveMessageSize(4 * 1024 * 1024);
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
      .Int("schema_version", server->db_->schema_version());
  return server;
}

void Server::Stop(absl::Duration grace) {
  if (stopped_) return;
  stopped_ = true;
  // Start() failed before the gRPC server was built (bad database, port in
  // use, ...): nothing serves yet, and db_ (if any) closes itself.
  if (server_ == nullptr) return;
  LogLine("server_stopping");
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  db_->Close();
  LogLine("server_stopped");
}

Server::~Server() { Stop(); }

}  // namespace pumpurs
