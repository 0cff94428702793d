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

  // People: the domain (directory/people.h) authorizes at object level and
  // audits; these adapters parse names and convert.
  grpc::ServerUnaryReactor* GetPupil(grpc::CallbackServerContext* ctx,
                                     const pumpurs::v1::GetPupilRequest* req,
                                     pumpurs::v1::Pupil* resp) override;
  grpc::ServerUnaryReactor* ListPupils(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListPupilsRequest* req,
      pumpurs::v1::ListPupilsResponse* resp) override;
  grpc::ServerUnaryReactor* CreatePupil(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreatePupilRequest* req,
      pumpurs::v1::Pupil* resp) override;
  grpc::ServerUnaryReactor* UpdatePupil(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdatePupilRequest* req,
      pumpurs::v1::Pupil* resp) override;
  grpc::ServerUnaryReactor* DeletePupil(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::DeletePupilRequest* req,
      google::protobuf::Empty* resp) override;

  grpc::ServerUnaryReactor* GetGuardian(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetGuardianRequest* req,
      pumpurs::v1::Guardian* resp) override;
  grpc::ServerUnaryReactor* ListGuardians(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListGuardiansRequest* req,
      pumpurs::v1::ListGuardiansResponse* resp) override;
  grpc::ServerUnaryReactor* CreateGuardian(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateGuardianRequest* req,
      pumpurs::v1::Guardian* resp) override;
  grpc::ServerUnaryReactor* UpdateGuardian(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateGuardianRequest* req,
      pumpurs::v1::Guardian* resp) override;
  grpc::ServerUnaryReactor* DeleteGuardian(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::DeleteGuardianRequest* req,
      google::protobuf::Empty* resp) override;

  grpc::ServerUnaryReactor* GetStaffMember(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::GetStaffMemberRequest* req,
      pumpurs::v1::StaffMember* resp) override;
  grpc::ServerUnaryReactor* ListStaffMembers(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ListStaffMembersRequest* req,
      pumpurs::v1::ListStaffMembersResponse* resp) override;
  grpc::ServerUnaryReactor* CreateStaffMember(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::CreateStaffMemberRequest* req,
      pumpurs::v1::StaffMember* resp) override;
  grpc::ServerUnaryReactor* UpdateStaffMember(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::UpdateStaffMemberRequest* req,
      pumpurs::v1::StaffMember* resp) override;
  grpc::ServerUnaryReactor* DeleteStaffMember(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::DeleteStaffMemberRequest* req,
      google::protobuf::Empty* resp) override;

  // Server streaming: rpc/import_call.h.
  grpc::ServerWriteReactor<pumpurs::v1::ImportPeopleResponse>* ImportPeople(
      grpc::CallbackServerContext* ctx,
      const pumpurs::v1::ImportPeopleRequest* req) override;

 private:
  storage::Database& db_;
};

}  // namespace pumpurs::rpc

#endif  // PUMPURS_SERVER_RPC_DIRECTORY_SERVICE_H_
