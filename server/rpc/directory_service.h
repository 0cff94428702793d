#ifndef PUMPURS_SERVER_RPC_DIRECTORY_SERVICE_H_
#define PUMPURS_SERVER_RPC_DIRECTORY_SERVICE_H_

#include "pumpurs/v1/directory.grpc.pb.h"
#include "server/storage/database.h"

namespace pumpurs::rpc {

// Thin adapter: parse names, convert proto ↔ domain, run the domain function
// on the storage executor, map the status.
class DirectoryService final
    : public pumpurs::v1::DirectoryService::CallbackService {
 public:
  explicit DirectoryService(storage::Database& db) : db_(db) {}

  grpc::ServerUnaryReactor* GetMunicipality(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetMunicipalityRequest* req,
      pumpurs::v1::Municipality* resp) override;
  grpc::ServerUnaryReactor* ListMunicipalities(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListMunicipalitiesRequest* req,
      pumpurs::v1::ListMunicipalitiesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateMunicipality(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateMunicipalityRequest* req,
      pumpurs::v1::Municipality* resp) override;
  grpc::ServerUnaryReactor* UpdateMunicipality(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateMunicipalityRequest* req,
      pumpurs::v1::Municipality* resp) override;

  grpc::ServerUnaryReactor* GetInstitution(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetInstitutionRequest* req,
      pumpurs::v1::Institution* resp) override;
  grpc::ServerUnaryReactor* ListInstitutions(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListInstitutionsRequest* req,
      pumpurs::v1::ListInstitutionsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateInstitution(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateInstitutionRequest* req,
      pumpurs::v1::Institution* resp) override;
  grpc::ServerUnaryReactor* UpdateInstitution(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateInstitutionRequest* req,
      pumpurs::v1::Institution* resp) override;
  grpc::ServerUnaryReactor* DeleteInstitution(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::DeleteInstitutionRequest* req,
      google::protobuf::Empty* resp) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_DIRECTORY_SERVICE_H_
