#include "pumpurs/client/client.h"

#include <grpc/compression.h>
#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "client-lib/src/client_impl.h"
#include "client-lib/src/grpc_error.h"
#include "client-lib/src/request_id.h"
#include "client-lib/src/service_config.h"
#include "server/common/error.h"

namespace pumpurs::client {

bool internal::IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

namespace {

// Follows next_page_token from request.page_token on, calling `fn` for each
// item, until the last page, an error, or `fn` returns false.
template <typename Request, typename Item, typename ListFn, typename ItemsFn>
absl::Status FollowPages(Request request, const ListFn& list,
                         const ItemsFn& items,
                         const std::function<bool(const Item&)>& fn) {
  for (;;) {
    auto page = list(request);
    if (!page.ok()) return page.status();
    for (const Item& item : items(*page)) {
      if (!fn(item)) return absl::OkStatus();
    }
    if (page->next_page_token().empty()) return absl::OkStatus();
    if (page->next_page_token() == request.page_token()) {
      // A server bug; looping forever would be worse.
      return absl::InternalError("the server returned the same page twice");
    }
    request.set_page_token(page->next_page_token());
  }
}

// `request`, or a copy in `*copy` with a random request_id if the caller
// left it empty: a retried create then cannot create twice.
template <typename Request>
const Request& WithRequestId(const Request& request, Request* copy) {
  if (!request.request_id().empty()) return request;
  *copy = request;
  copy->set_request_id(internal::NewRequestId());
  return *copy;
}

}  // namespace

absl::string_view ServingStatusName(ServingStatus status) {
  switch (status) {
    case ServingStatus::kServing:
      return "SERVING";
    case ServingStatus::kNotServing:
      return "NOT_SERVING";
    case ServingStatus::kServiceUnknown:
      return "SERVICE_UNKNOWN";
    case ServingStatus::kUnknown:
      break;
  }
  return "UNKNOWN";
}

std::string ErrorReason(const absl::Status& status) {
  return ::pumpurs::ReasonOf(status);
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  for (const ::pumpurs::FieldViolation& v :
       ::pumpurs::FieldViolationsOf(status)) {
    out.push_back({v.field, v.description});
  }
  return out;
}

absl::Duration RetryDelay(const absl::Status& status) {
  return ::pumpurs::RetryDelayOf(status);
}

absl::StatusOr<std::unique_ptr<Client>> Client::Create(
    const ClientOptions& options) {
  if (options.target.empty()) {
    return absl::InvalidArgumentError("ClientOptions.target is empty");
  }
  if (options.default_deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "ClientOptions.default_deadline must be positive");
  }
  // Never echo a token in these messages.
  if (!internal::IsPrintableAscii(options.access_token)) {
    return absl::InvalidArgumentError(
        "ClientOptions.access_token must be printable ASCII");
  }
  if (int(!options.access_token.empty()) + int(options.session.has_value()) +
          int(static_cast<bool>(options.token_source)) >
      1) {
    return absl::InvalidArgumentError(
        "set at most one of ClientOptions.access_token, session and "
        "token_source");
  }
  if (options.session.has_value()) {
    const v1::Session& session = *options.session;
    if (session.access_token().empty() && session.refresh_token().empty()) {
      return absl::InvalidArgumentError(
          "ClientOptions.session has neither an access nor a refresh token");
    }
    if (!internal::IsPrintableAscii(session.access_token()) ||
        !internal::IsPrintableAscii(session.refresh_token())) {
      return absl::InvalidArgumentError(
          "the tokens of ClientOptions.session must be printable ASCII");
    }
  }
  if (options.refresh_before_expiry < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "ClientOptions.refresh_before_expiry must not be negative");
  }
  if (options.tls_client_cert_pem.empty() !=
      options.tls_client_key_pem.empty()) {
    return absl::InvalidArgumentError(
        "ClientOptions.tls_client_cert_pem and tls_client_key_pem go "
        "together");
  }
  if (!options.tls_client_cert_pem.empty() &&
      options.tls_root_certs_pem.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate needs TLS: set "
        "ClientOptions.tls_root_certs_pem");
  }

  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(internal::kServiceConfigJson);
  // The built-in config is the one to use, whatever DNS says.
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  args.SetUserAgentPrefix(absl::StrCat("pumpurs-client/", PUMPURS_VERSION));
  if (options.gzip) args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls_root_certs_pem.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.tls_root_certs_pem;
    ssl.pem_cert_chain = options.tls_client_cert_pem;
    ssl.pem_private_key = options.tls_client_key_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.target, credentials, args);
  if (channel == nullptr) {
    return absl::InternalError("cannot create a gRPC channel");
  }
  return std::unique_ptr<Client>(
      new Client(std::make_unique<Impl>(options, std::move(channel))));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Client::~Client() = default;

const std::string& Client::target() const { return impl_->options().target; }

absl::StatusOr<v1::Session> Client::SignIn(absl::string_view username,
                                           absl::string_view password,
                                           const CallOptions& options) const {
  return impl_->SignIn(username, password, options);
}

std::optional<v1::Session> Client::session() const { return impl_->session(); }

absl::StatusOr<v1::PingResponse> Client::Ping(
    const v1::PingRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::SystemService::Stub::Ping, impl_->system(), request,
                      options);
}

absl::StatusOr<v1::ServerInfo> Client::GetServerInfo(
    const v1::GetServerInfoRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::SystemService::Stub::GetServerInfo, impl_->system(),
                      request, options);
}

absl::StatusOr<ServingStatus> Client::Health(absl::string_view service,
                                             const CallOptions& options) const {
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(std::string(service));
  absl::StatusOr<grpc::health::v1::HealthCheckResponse> response =
      impl_->Unary(&grpc::health::v1::Health::Stub::Check, impl_->health(),
                   request, options);
  if (!response.ok()) return response.status();
  switch (response->status()) {
    case grpc::health::v1::HealthCheckResponse::SERVING:
      return ServingStatus::kServing;
    case grpc::health::v1::HealthCheckResponse::NOT_SERVING:
      return ServingStatus::kNotServing;
    case grpc::health::v1::HealthCheckResponse::SERVICE_UNKNOWN:
      return ServingStatus::kServiceUnknown;
    default:
      return ServingStatus::kUnknown;
  }
}

absl::StatusOr<v1::Municipality> Client::GetMunicipality(
    const v1::GetMunicipalityRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::GetMunicipality,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::ListMunicipalitiesResponse> Client::ListMunicipalities(
    const v1::ListMunicipalitiesRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::ListMunicipalities,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::Municipality> Client::CreateMunicipality(
    const v1::CreateMunicipalityRequest& request,
    const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::DirectoryService::Stub::CreateMunicipality,
                        impl_->directory(), request, options);
  }
  v1::CreateMunicipalityRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::DirectoryService::Stub::CreateMunicipality,
                      impl_->directory(), with_id, options);
}

absl::StatusOr<v1::Municipality> Client::UpdateMunicipality(
    const v1::UpdateMunicipalityRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::UpdateMunicipality,
                      impl_->directory(), request, options);
}

absl::Status Client::ForEachMunicipality(
    const v1::ListMunicipalitiesRequest& request,
    const std::function<bool(const v1::Municipality&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListMunicipalitiesRequest& r) {
        return ListMunicipalities(r, options);
      },
      [](const v1::ListMunicipalitiesResponse& page) -> const auto& {
        return page.municipalities();
      },
      fn);
}

absl::StatusOr<v1::Institution> Client::GetInstitution(
    const v1::GetInstitutionRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::GetInstitution,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::ListInstitutionsResponse> Client::ListInstitutions(
    const v1::ListInstitutionsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::ListInstitutions,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::Institution> Client::CreateInstitution(
    const v1::CreateInstitutionRequest& request,
    const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::DirectoryService::Stub::CreateInstitution,
                        impl_->directory(), request, options);
  }
  v1::CreateInstitutionRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::DirectoryService::Stub::CreateInstitution,
                      impl_->directory(), with_id, options);
}

absl::StatusOr<v1::Institution> Client::UpdateInstitution(
    const v1::UpdateInstitutionRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::UpdateInstitution,
                      impl_->directory(), request, options);
}

absl::Status Client::DeleteInstitution(
    const v1::DeleteInstitutionRequest& request,
    const CallOptions& options) const {
  return impl_
      ->Unary(&v1::DirectoryService::Stub::DeleteInstitution,
              impl_->directory(), request, options)
      .status();
}

absl::Status Client::ForEachInstitution(
    const v1::ListInstitutionsRequest& request,
    const std::function<bool(const v1::Institution&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListInstitutionsRequest& r) {
        return ListInstitutions(r, options);
      },
      [](const v1::ListInstitutionsResponse& page) -> const auto& {
        return page.institutions();
      },
      fn);
}

absl::StatusOr<v1::Session> Client::Login(const v1::LoginRequest& request,
                                          const CallOptions& options) const {
  return impl_->Unary(&v1::AuthService::Stub::Login, impl_->auth(), request,
                      options);
}

absl::StatusOr<v1::Session> Client::RefreshToken(
    const v1::RefreshTokenRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::AuthService::Stub::RefreshToken, impl_->auth(),
                      request, options);
}

absl::Status Client::Logout(const v1::LogoutRequest& request,
                            const CallOptions& options) const {
  return impl_
      ->Unary(&v1::AuthService::Stub::Logout, impl_->auth(), request, options)
      .status();
}

absl::StatusOr<v1::Account> Client::WhoAmI(const v1::WhoAmIRequest& request,
                                           const CallOptions& options) const {
  return impl_->Unary(&v1::AuthService::Stub::WhoAmI, impl_->auth(), request,
                      options);
}

absl::StatusOr<v1::Account> Client::CreateAccount(
    const v1::CreateAccountRequest& request, const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::AuthService::Stub::CreateAccount, impl_->auth(),
                        request, options);
  }
  v1::CreateAccountRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::AuthService::Stub::CreateAccount, impl_->auth(),
                      with_id, options);
}

absl::StatusOr<v1::Account> Client::GetAccount(
    const v1::GetAccountRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::AuthService::Stub::GetAccount, impl_->auth(),
                      request, options);
}

absl::StatusOr<v1::ListAccountsResponse> Client::ListAccounts(
    const v1::ListAccountsRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::AuthService::Stub::ListAccounts, impl_->auth(),
                      request, options);
}

absl::Status Client::ForEachAccount(
    const v1::ListAccountsRequest& request,
    const std::function<bool(const v1::Account&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListAccountsRequest& r) {
        return ListAccounts(r, options);
      },
      [](const v1::ListAccountsResponse& page) -> const auto& {
        return page.accounts();
      },
      fn);
}

absl::StatusOr<v1::Account> Client::ResetPassword(
    const v1::ResetPasswordRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::AuthService::Stub::ResetPassword, impl_->auth(),
                      request, options);
}

absl::StatusOr<v1::ApiKey> Client::CreateApiKey(
    const v1::CreateApiKeyRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::AuthService::Stub::CreateApiKey, impl_->auth(),
                      request, options);
}

absl::Status Client::RevokeApiKey(const v1::RevokeApiKeyRequest& request,
                                  const CallOptions& options) const {
  return impl_
      ->Unary(&v1::AuthService::Stub::RevokeApiKey, impl_->auth(), request,
              options)
      .status();
}

// --- AuthService (owned by the auth work; add above this line) ---

absl::StatusOr<v1::Pupil> Client::GetPupil(const v1::GetPupilRequest& request,
                                           const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::GetPupil, impl_->directory(),
                      request, options);
}

absl::StatusOr<v1::ListPupilsResponse> Client::ListPupils(
    const v1::ListPupilsRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::ListPupils,
                      impl_->directory(), request, options);
}

absl::Status Client::ForEachPupil(
    const v1::ListPupilsRequest& request,
    const std::function<bool(const v1::Pupil&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListPupilsRequest& r) { return ListPupils(r, options); },
      [](const v1::ListPupilsResponse& page) -> const auto& {
        return page.pupils();
      },
      fn);
}

absl::StatusOr<v1::Pupil> Client::CreatePupil(
    const v1::CreatePupilRequest& request, const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::DirectoryService::Stub::CreatePupil,
                        impl_->directory(), request, options);
  }
  v1::CreatePupilRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::DirectoryService::Stub::CreatePupil,
                      impl_->directory(), with_id, options);
}

absl::StatusOr<v1::Pupil> Client::UpdatePupil(
    const v1::UpdatePupilRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::UpdatePupil,
                      impl_->directory(), request, options);
}

absl::Status Client::DeletePupil(const v1::DeletePupilRequest& request,
                                 const CallOptions& options) const {
  return impl_
      ->Unary(&v1::DirectoryService::Stub::DeletePupil, impl_->directory(),
              request, options)
      .status();
}

absl::StatusOr<v1::Guardian> Client::GetGuardian(
    const v1::GetGuardianRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::GetGuardian,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::ListGuardiansResponse> Client::ListGuardians(
    const v1::ListGuardiansRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::ListGuardians,
                      impl_->directory(), request, options);
}

absl::Status Client::ForEachGuardian(
    const v1::ListGuardiansRequest& request,
    const std::function<bool(const v1::Guardian&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListGuardiansRequest& r) {
        return ListGuardians(r, options);
      },
      [](const v1::ListGuardiansResponse& page) -> const auto& {
        return page.guardians();
      },
      fn);
}

absl::StatusOr<v1::Guardian> Client::CreateGuardian(
    const v1::CreateGuardianRequest& request,
    const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::DirectoryService::Stub::CreateGuardian,
                        impl_->directory(), request, options);
  }
  v1::CreateGuardianRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::DirectoryService::Stub::CreateGuardian,
                      impl_->directory(), with_id, options);
}

absl::StatusOr<v1::Guardian> Client::UpdateGuardian(
    const v1::UpdateGuardianRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::UpdateGuardian,
                      impl_->directory(), request, options);
}

absl::Status Client::DeleteGuardian(const v1::DeleteGuardianRequest& request,
                                    const CallOptions& options) const {
  return impl_
      ->Unary(&v1::DirectoryService::Stub::DeleteGuardian, impl_->directory(),
              request, options)
      .status();
}

absl::StatusOr<v1::StaffMember> Client::GetStaffMember(
    const v1::GetStaffMemberRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::GetStaffMember,
                      impl_->directory(), request, options);
}

absl::StatusOr<v1::ListStaffMembersResponse> Client::ListStaffMembers(
    const v1::ListStaffMembersRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::ListStaffMembers,
                      impl_->directory(), request, options);
}

absl::Status Client::ForEachStaffMember(
    const v1::ListStaffMembersRequest& request,
    const std::function<bool(const v1::StaffMember&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListStaffMembersRequest& r) {
        return ListStaffMembers(r, options);
      },
      [](const v1::ListStaffMembersResponse& page) -> const auto& {
        return page.staff_members();
      },
      fn);
}

absl::StatusOr<v1::StaffMember> Client::CreateStaffMember(
    const v1::CreateStaffMemberRequest& request,
    const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::DirectoryService::Stub::CreateStaffMember,
                        impl_->directory(), request, options);
  }
  v1::CreateStaffMemberRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::DirectoryService::Stub::CreateStaffMember,
                      impl_->directory(), with_id, options);
}

absl::StatusOr<v1::StaffMember> Client::UpdateStaffMember(
    const v1::UpdateStaffMemberRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::DirectoryService::Stub::UpdateStaffMember,
                      impl_->directory(), request, options);
}

absl::Status Client::DeleteStaffMember(
    const v1::DeleteStaffMemberRequest& request,
    const CallOptions& options) const {
  return impl_
      ->Unary(&v1::DirectoryService::Stub::DeleteStaffMember,
              impl_->directory(), request, options)
      .status();
}

absl::Status Client::ImportPeople(
    const v1::ImportPeopleRequest& request, v1::ImportPeopleResponse* report,
    const std::function<void(const v1::ImportPeopleResponse&)>& progress,
    const CallOptions& options) const {
  if (report != nullptr) report->Clear();
  CallOptions call = options;
  if (!call.deadline.has_value()) call.deadline = kImportDeadline;
  if (*call.deadline <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError(
        "the call's deadline expired before it started");
  }
  grpc::ClientContext ctx;
  if (absl::Status s = impl_->PrepareContext(call, &ctx); !s.ok()) return s;
  std::unique_ptr<grpc::ClientReader<v1::ImportPeopleResponse>> reader =
      impl_->directory().ImportPeople(&ctx, request);
  v1::ImportPeopleResponse message;
  while (reader->Read(&message)) {
    if (message.done()) {
      if (report != nullptr) *report = message;
    } else if (progress) {
      progress(message);
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return internal::FromGrpcStatus(status);
  return absl::OkStatus();
}

// --- Directory people and import (add above this line) ---

absl::StatusOr<v1::ListAuditEventsResponse> Client::ListAuditEvents(
    const v1::ListAuditEventsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::AuditService::Stub::ListAuditEvents, impl_->audit(),
                      request, options);
}

absl::Status Client::ForEachAuditEvent(
    const v1::ListAuditEventsRequest& request,
    const std::function<bool(const v1::AuditEvent&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListAuditEventsRequest& r) {
        return ListAuditEvents(r, options);
      },
      [](const v1::ListAuditEventsResponse& page) -> const auto& {
        return page.audit_events();
      },
      fn);
}

absl::StatusOr<v1::ListPupilAccessResponse> Client::ListPupilAccess(
    const v1::ListPupilAccessRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::AuditService::Stub::ListPupilAccess, impl_->audit(),
                      request, options);
}

absl::Status Client::ForEachPupilAccess(
    const v1::ListPupilAccessRequest& request,
    const std::function<bool(const v1::AuditEvent&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListPupilAccessRequest& r) {
        return ListPupilAccess(r, options);
      },
      [](const v1::ListPupilAccessResponse& page) -> const auto& {
        return page.audit_events();
      },
      fn);
}

// --- AuditService (add above this line) ---

// --- KnowledgeBaseService ---

absl::StatusOr<v1::ListRiskFactorsResponse> Client::ListRiskFactors(
    const v1::ListRiskFactorsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::ListRiskFactors,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::ListMeasureTypesResponse> Client::ListMeasureTypes(
    const v1::ListMeasureTypesRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::ListMeasureTypes,
                      impl_->kb(), request, options);
}

absl::Status Client::ForEachRiskFactor(
    const v1::ListRiskFactorsRequest& request,
    const std::function<bool(const v1::RiskFactor&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListRiskFactorsRequest& r) {
        return ListRiskFactors(r, options);
      },
      [](const v1::ListRiskFactorsResponse& page) -> const auto& {
        return page.risk_factors();
      },
      fn);
}

absl::Status Client::ForEachMeasureType(
    const v1::ListMeasureTypesRequest& request,
    const std::function<bool(const v1::MeasureType&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListMeasureTypesRequest& r) {
        return ListMeasureTypes(r, options);
      },
      [](const v1::ListMeasureTypesResponse& page) -> const auto& {
        return page.measure_types();
      },
      fn);
}

absl::StatusOr<v1::RiskFactor> Client::GetRiskFactor(
    absl::string_view name, const CallOptions& options) const {
  v1::GetRiskFactorRequest request;
  request.set_name(std::string(name));
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::GetRiskFactor,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::MeasureType> Client::GetMeasureType(
    absl::string_view name, const CallOptions& options) const {
  v1::GetMeasureTypeRequest request;
  request.set_name(std::string(name));
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::GetMeasureType,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::Article> Client::GetArticle(
    absl::string_view name, const CallOptions& options) const {
  v1::GetArticleRequest request;
  request.set_name(std::string(name));
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::GetArticle, impl_->kb(),
                      request, options);
}

absl::StatusOr<v1::ListArticlesResponse> Client::ListArticles(
    const v1::ListArticlesRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::ListArticles,
                      impl_->kb(), request, options);
}

absl::Status Client::ForEachArticle(
    const v1::ListArticlesRequest& request,
    const std::function<bool(const v1::Article&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListArticlesRequest& r) {
        return ListArticles(r, options);
      },
      [](const v1::ListArticlesResponse& page) -> const auto& {
        return page.articles();
      },
      fn);
}

absl::StatusOr<v1::Article> Client::CreateArticle(
    const v1::CreateArticleRequest& request, const CallOptions& options) const {
  if (!request.request_id().empty()) {
    return impl_->Unary(&v1::KnowledgeBaseService::Stub::CreateArticle,
                        impl_->kb(), request, options);
  }
  v1::CreateArticleRequest with_id = request;
  with_id.set_request_id(internal::NewRequestId());
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::CreateArticle,
                      impl_->kb(), with_id, options);
}

absl::StatusOr<v1::Article> Client::UpdateArticle(
    const v1::UpdateArticleRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::UpdateArticle,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::Article> Client::PublishArticle(
    absl::string_view name, absl::string_view etag,
    const CallOptions& options) const {
  v1::PublishArticleRequest request;
  request.set_name(std::string(name));
  request.set_etag(std::string(etag));
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::PublishArticle,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::Article> Client::ArchiveArticle(
    absl::string_view name, absl::string_view etag,
    const CallOptions& options) const {
  v1::ArchiveArticleRequest request;
  request.set_name(std::string(name));
  request.set_etag(std::string(etag));
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::ArchiveArticle,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::ArticleRevision> Client::GetArticleRevision(
    absl::string_view name, const CallOptions& options) const {
  v1::GetArticleRevisionRequest request;
  request.set_name(std::string(name));
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::GetArticleRevision,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::ListArticleRevisionsResponse> Client::ListArticleRevisions(
    const v1::ListArticleRevisionsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::ListArticleRevisions,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::SearchArticlesResponse> Client::SearchArticles(
    const v1::SearchArticlesRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::SearchArticles,
                      impl_->kb(), request, options);
}

absl::StatusOr<v1::RecommendMeasuresResponse> Client::RecommendMeasures(
    const v1::RecommendMeasuresRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::KnowledgeBaseService::Stub::RecommendMeasures,
                      impl_->kb(), request, options);
}

// --- KnowledgeBaseService (add above this line) ---

// --- SupportPlanService ---

absl::StatusOr<v1::Application> Client::CreateApplication(
    const v1::CreateApplicationRequest& request,
    const CallOptions& options) const {
  v1::CreateApplicationRequest copy;
  return impl_->Unary(&v1::SupportPlanService::Stub::CreateApplication,
                      impl_->plans(), WithRequestId(request, &copy), options);
}

absl::StatusOr<v1::Application> Client::GetApplication(
    const v1::GetApplicationRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::GetApplication,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::ListApplicationsResponse> Client::ListApplications(
    const v1::ListApplicationsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::ListApplications,
                      impl_->plans(), request, options);
}

absl::Status Client::ForEachApplication(
    const v1::ListApplicationsRequest& request,
    const std::function<bool(const v1::Application&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListApplicationsRequest& r) {
        return ListApplications(r, options);
      },
      [](const v1::ListApplicationsResponse& page) -> const auto& {
        return page.applications();
      },
      fn);
}

absl::StatusOr<v1::Application> Client::WithdrawApplication(
    const v1::WithdrawApplicationRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::WithdrawApplication,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::CreateSupportPlan(
    const v1::CreateSupportPlanRequest& request,
    const CallOptions& options) const {
  v1::CreateSupportPlanRequest copy;
  return impl_->Unary(&v1::SupportPlanService::Stub::CreateSupportPlan,
                      impl_->plans(), WithRequestId(request, &copy), options);
}

absl::StatusOr<v1::SupportPlan> Client::GetSupportPlan(
    const v1::GetSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::GetSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::ListSupportPlansResponse> Client::ListSupportPlans(
    const v1::ListSupportPlansRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::ListSupportPlans,
                      impl_->plans(), request, options);
}

absl::Status Client::ForEachSupportPlan(
    const v1::ListSupportPlansRequest& request,
    const std::function<bool(const v1::SupportPlan&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListSupportPlansRequest& r) {
        return ListSupportPlans(r, options);
      },
      [](const v1::ListSupportPlansResponse& page) -> const auto& {
        return page.support_plans();
      },
      fn);
}

absl::StatusOr<v1::SupportPlan> Client::UpdateSupportPlan(
    const v1::UpdateSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::UpdateSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SuggestMeasuresResponse> Client::SuggestMeasures(
    const v1::SuggestMeasuresRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::SuggestMeasures,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::SubmitSupportPlan(
    const v1::SubmitSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::SubmitSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::ApproveSupportPlan(
    const v1::ApproveSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::ApproveSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::RejectSupportPlan(
    const v1::RejectSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::RejectSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::StartSupportPlan(
    const v1::StartSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::StartSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::SuspendSupportPlan(
    const v1::SuspendSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::SuspendSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::ResumeSupportPlan(
    const v1::ResumeSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::ResumeSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::ReviseSupportPlan(
    const v1::ReviseSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::ReviseSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::DeleteSupportPlan(
    const v1::DeleteSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::DeleteSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::EvaluateSupportPlan(
    const v1::EvaluateSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::EvaluateSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::SupportPlan> Client::AcknowledgeSupportPlan(
    const v1::AcknowledgeSupportPlanRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::AcknowledgeSupportPlan,
                      impl_->plans(), request, options);
}

absl::StatusOr<v1::GetSupportPlanHistoryResponse> Client::GetSupportPlanHistory(
    const v1::GetSupportPlanHistoryRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::GetSupportPlanHistory,
                      impl_->plans(), request, options);
}

absl::Status Client::ForEachPlanRevision(
    const v1::GetSupportPlanHistoryRequest& request,
    const std::function<bool(const v1::PlanRevision&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::GetSupportPlanHistoryRequest& r) {
        return GetSupportPlanHistory(r, options);
      },
      [](const v1::GetSupportPlanHistoryResponse& page) -> const auto& {
        return page.revisions();
      },
      fn);
}

absl::StatusOr<v1::DeliveryRecord> Client::RecordDelivery(
    const v1::RecordDeliveryRequest& request,
    const CallOptions& options) const {
  v1::RecordDeliveryRequest copy;
  return impl_->Unary(&v1::SupportPlanService::Stub::RecordDelivery,
                      impl_->plans(), WithRequestId(request, &copy), options);
}

absl::StatusOr<v1::ListDeliveriesResponse> Client::ListDeliveries(
    const v1::ListDeliveriesRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::ListDeliveries,
                      impl_->plans(), request, options);
}

absl::Status Client::ForEachDelivery(
    const v1::ListDeliveriesRequest& request,
    const std::function<bool(const v1::DeliveryRecord&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListDeliveriesRequest& r) {
        return ListDeliveries(r, options);
      },
      [](const v1::ListDeliveriesResponse& page) -> const auto& {
        return page.deliveries();
      },
      fn);
}

absl::StatusOr<v1::ListDeliveredHoursResponse> Client::ListDeliveredHours(
    const v1::ListDeliveredHoursRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SupportPlanService::Stub::ListDeliveredHours,
                      impl_->plans(), request, options);
}

absl::Status Client::ForEachDeliveredHours(
    const v1::ListDeliveredHoursRequest& request,
    const std::function<bool(const v1::DeliveredHours&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListDeliveredHoursRequest& r) {
        return ListDeliveredHours(r, options);
      },
      [](const v1::ListDeliveredHoursResponse& page) -> const auto& {
        return page.rows();
      },
      fn);
}

// --- SupportPlanService (add above this line) ---

// --- YouthInitiativeService ---

absl::StatusOr<v1::Call> Client::CreateCall(
    const v1::CreateCallRequest& request, const CallOptions& options) const {
  v1::CreateCallRequest copy;
  return impl_->Unary(&v1::YouthInitiativeService::Stub::CreateCall,
                      impl_->initiatives(), WithRequestId(request, &copy),
                      options);
}

absl::StatusOr<v1::Call> Client::GetCall(const v1::GetCallRequest& request,
                                         const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::GetCall,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::ListCallsResponse> Client::ListCalls(
    const v1::ListCallsRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::ListCalls,
                      impl_->initiatives(), request, options);
}

absl::Status Client::ForEachCall(const v1::ListCallsRequest& request,
                                 const std::function<bool(const v1::Call&)>& fn,
                                 const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListCallsRequest& r) { return ListCalls(r, options); },
      [](const v1::ListCallsResponse& page) -> const auto& {
        return page.calls();
      },
      fn);
}

absl::StatusOr<v1::Call> Client::UpdateCall(
    const v1::UpdateCallRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::UpdateCall,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::Call> Client::OpenCall(const v1::OpenCallRequest& request,
                                          const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::OpenCall,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::DecideCallResponse> Client::DecideCall(
    const v1::DecideCallRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::DecideCall,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::Initiative> Client::CreateInitiative(
    const v1::CreateInitiativeRequest& request,
    const CallOptions& options) const {
  v1::CreateInitiativeRequest copy;
  return impl_->Unary(&v1::YouthInitiativeService::Stub::CreateInitiative,
                      impl_->initiatives(), WithRequestId(request, &copy),
                      options);
}

absl::StatusOr<v1::Initiative> Client::GetInitiative(
    const v1::GetInitiativeRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::GetInitiative,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::ListInitiativesResponse> Client::ListInitiatives(
    const v1::ListInitiativesRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::ListInitiatives,
                      impl_->initiatives(), request, options);
}

absl::Status Client::ForEachInitiative(
    const v1::ListInitiativesRequest& request,
    const std::function<bool(const v1::Initiative&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListInitiativesRequest& r) {
        return ListInitiatives(r, options);
      },
      [](const v1::ListInitiativesResponse& page) -> const auto& {
        return page.initiatives();
      },
      fn);
}

absl::StatusOr<v1::Initiative> Client::UpdateInitiative(
    const v1::UpdateInitiativeRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::UpdateInitiative,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::Initiative> Client::SubmitInitiative(
    const v1::SubmitInitiativeRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::SubmitInitiative,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::Initiative> Client::WithdrawInitiative(
    const v1::WithdrawInitiativeRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::WithdrawInitiative,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::Initiative> Client::ScoreInitiative(
    const v1::ScoreInitiativeRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::ScoreInitiative,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::Initiative> Client::StartInitiative(
    const v1::StartInitiativeRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::StartInitiative,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::Initiative> Client::SubmitReport(
    const v1::SubmitReportRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::SubmitReport,
                      impl_->initiatives(), request, options);
}

absl::StatusOr<v1::Initiative> Client::AcceptReport(
    const v1::AcceptReportRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::YouthInitiativeService::Stub::AcceptReport,
                      impl_->initiatives(), request, options);
}

// --- YouthInitiativeService (add above this line) ---

// --- SelfCheckService ---

absl::StatusOr<v1::ListQuestionnairesResponse> Client::ListQuestionnaires(
    const v1::ListQuestionnairesRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SelfCheckService::Stub::ListQuestionnaires,
                      impl_->self_check(), request, options);
}

absl::Status Client::ForEachQuestionnaire(
    const v1::ListQuestionnairesRequest& request,
    const std::function<bool(const v1::Questionnaire&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListQuestionnairesRequest& r) {
        return ListQuestionnaires(r, options);
      },
      [](const v1::ListQuestionnairesResponse& page) -> const auto& {
        return page.questionnaires();
      },
      fn);
}

absl::StatusOr<v1::Questionnaire> Client::GetQuestionnaire(
    const v1::GetQuestionnaireRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SelfCheckService::Stub::GetQuestionnaire,
                      impl_->self_check(), request, options);
}

absl::StatusOr<v1::Questionnaire> Client::CreateQuestionnaire(
    const v1::CreateQuestionnaireRequest& request,
    const CallOptions& options) const {
  v1::CreateQuestionnaireRequest copy;
  return impl_->Unary(&v1::SelfCheckService::Stub::CreateQuestionnaire,
                      impl_->self_check(), WithRequestId(request, &copy),
                      options);
}

absl::StatusOr<v1::Questionnaire> Client::UpdateQuestionnaire(
    const v1::UpdateQuestionnaireRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SelfCheckService::Stub::UpdateQuestionnaire,
                      impl_->self_check(), request, options);
}

absl::StatusOr<v1::Questionnaire> Client::PublishQuestionnaire(
    const v1::PublishQuestionnaireRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SelfCheckService::Stub::PublishQuestionnaire,
                      impl_->self_check(), request, options);
}

absl::StatusOr<v1::SelfCheckResult> Client::EvaluateSelfCheck(
    const v1::EvaluateSelfCheckRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::SelfCheckService::Stub::EvaluateSelfCheck,
                      impl_->self_check(), request, options);
}

absl::StatusOr<v1::Application> Client::ApplyFromSelfCheck(
    const v1::ApplyFromSelfCheckRequest& request,
    const CallOptions& options) const {
  v1::ApplyFromSelfCheckRequest copy;
  return impl_->Unary(&v1::SelfCheckService::Stub::ApplyFromSelfCheck,
                      impl_->self_check(), WithRequestId(request, &copy),
                      options);
}

// --- SelfCheckService (add above this line) ---

// --- TrainingService ---

absl::StatusOr<v1::TrainingEvent> Client::CreateTrainingEvent(
    const v1::CreateTrainingEventRequest& request,
    const CallOptions& options) const {
  v1::CreateTrainingEventRequest copy;
  return impl_->Unary(&v1::TrainingService::Stub::CreateTrainingEvent,
                      impl_->training(), WithRequestId(request, &copy),
                      options);
}

absl::StatusOr<v1::TrainingEvent> Client::GetTrainingEvent(
    const v1::GetTrainingEventRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::GetTrainingEvent,
                      impl_->training(), request, options);
}

absl::StatusOr<v1::ListTrainingEventsResponse> Client::ListTrainingEvents(
    const v1::ListTrainingEventsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::ListTrainingEvents,
                      impl_->training(), request, options);
}

absl::Status Client::ForEachTrainingEvent(
    const v1::ListTrainingEventsRequest& request,
    const std::function<bool(const v1::TrainingEvent&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListTrainingEventsRequest& r) {
        return ListTrainingEvents(r, options);
      },
      [](const v1::ListTrainingEventsResponse& page) -> const auto& {
        return page.training_events();
      },
      fn);
}

absl::StatusOr<v1::TrainingEvent> Client::UpdateTrainingEvent(
    const v1::UpdateTrainingEventRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::UpdateTrainingEvent,
                      impl_->training(), request, options);
}

absl::StatusOr<v1::TrainingEvent> Client::PublishTrainingEvent(
    const v1::PublishTrainingEventRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::PublishTrainingEvent,
                      impl_->training(), request, options);
}

absl::StatusOr<v1::TrainingEvent> Client::CancelTrainingEvent(
    const v1::CancelTrainingEventRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::CancelTrainingEvent,
                      impl_->training(), request, options);
}

absl::StatusOr<v1::Registration> Client::RegisterForTraining(
    const v1::RegisterForTrainingRequest& request,
    const CallOptions& options) const {
  v1::RegisterForTrainingRequest copy;
  return impl_->Unary(&v1::TrainingService::Stub::RegisterForTraining,
                      impl_->training(), WithRequestId(request, &copy),
                      options);
}

absl::StatusOr<v1::Registration> Client::CancelRegistration(
    const v1::CancelRegistrationRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::CancelRegistration,
                      impl_->training(), request, options);
}

absl::StatusOr<v1::ListRegistrationsResponse> Client::ListRegistrations(
    const v1::ListRegistrationsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::ListRegistrations,
                      impl_->training(), request, options);
}

absl::Status Client::ForEachRegistration(
    const v1::ListRegistrationsRequest& request,
    const std::function<bool(const v1::Registration&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListRegistrationsRequest& r) {
        return ListRegistrations(r, options);
      },
      [](const v1::ListRegistrationsResponse& page) -> const auto& {
        return page.registrations();
      },
      fn);
}

absl::StatusOr<v1::Registration> Client::RecordAttendance(
    const v1::RecordAttendanceRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::RecordAttendance,
                      impl_->training(), request, options);
}

absl::StatusOr<v1::ListTrainingHoursResponse> Client::ListTrainingHours(
    const v1::ListTrainingHoursRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::TrainingService::Stub::ListTrainingHours,
                      impl_->training(), request, options);
}

absl::Status Client::ForEachTrainingHours(
    const v1::ListTrainingHoursRequest& request,
    const std::function<bool(const v1::TrainingHours&)>& fn,
    const CallOptions& options) const {
  return FollowPages(
      request,
      [&](const v1::ListTrainingHoursRequest& r) {
        return ListTrainingHours(r, options);
      },
      [](const v1::ListTrainingHoursResponse& page) -> const auto& {
        return page.rows();
      },
      fn);
}

// --- TrainingService (add above this line) ---

// --- StatisticsService ---

absl::StatusOr<v1::ProgrammeIndicators> Client::GetProgrammeIndicators(
    const v1::GetProgrammeIndicatorsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::StatisticsService::Stub::GetProgrammeIndicators,
                      impl_->statistics(), request, options);
}

absl::StatusOr<v1::ExportProgrammeIndicatorsResponse>
Client::ExportProgrammeIndicators(
    const v1::ExportProgrammeIndicatorsRequest& request,
    const CallOptions& options) const {
  return impl_->Unary(&v1::StatisticsService::Stub::ExportProgrammeIndicators,
                      impl_->statistics(), request, options);
}

// --- StatisticsService (add above this line) ---

// --- SyncService ---

absl::StatusOr<v1::ListChangesResponse> Client::ListChanges(
    const v1::ListChangesRequest& request, const CallOptions& options) const {
  return impl_->Unary(&v1::SyncService::Stub::ListChanges, impl_->sync(),
                      request, options);
}

absl::Status Client::WatchChanges(
    const v1::WatchChangesRequest& request,
    const std::function<bool(const v1::WatchChangesResponse&)>& fn,
    const CallOptions& options) const {
  // A watch is meant to outlive any ordinary call's deadline.
  CallOptions call = options;
  if (!call.deadline.has_value()) call.deadline = absl::InfiniteDuration();
  if (*call.deadline <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError(
        "the call's deadline expired before it started");
  }
  grpc::ClientContext ctx;
  if (absl::Status s = impl_->PrepareContext(call, &ctx); !s.ok()) return s;
  std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader =
      impl_->sync().WatchChanges(&ctx, request);
  v1::WatchChangesResponse batch;
  bool stopped = false;
  while (reader->Read(&batch)) {
    if (!fn(batch)) {
      stopped = true;
      ctx.TryCancel();
      // Finish() expects the stream read to its end; after the cancel that
      // is immediate.
      while (reader->Read(&batch)) {
      }
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (stopped) return absl::OkStatus();
  if (!status.ok()) return internal::FromGrpcStatus(status);
  return absl::OkStatus();
}

// --- SyncService (add above this line) ---

}  // namespace pumpurs::client
