#ifndef PUMPURS_CLIENT_CLIENT_H_
#define PUMPURS_CLIENT_CLIENT_H_

// The C++ client of the Pumpurs gRPC API.
//
//   pumpurs::client::ClientOptions options;
//   options.target = "127.0.0.1:50051";
//   auto client = pumpurs::client::Client::Create(options);
//   if (!client.ok()) ...;
//   absl::StatusOr<pumpurs::v1::Municipality> m =
//       (*client)->GetMunicipality(request);
//   if (!m.ok()) {
//     std::string reason = pumpurs::client::ErrorReason(m.status());
//     for (const auto& v : pumpurs::client::FieldViolations(m.status())) ...
//   }
//
// Every call returns an absl::Status (or StatusOr) whose code is the gRPC
// code, whose message is the server's English message and which carries the
// server's google.rpc.ErrorInfo reason and google.rpc.BadRequest field
// violations as payloads, in the same encoding as server/common/error.h (so
// pumpurs::ReasonOf and pumpurs::FieldViolationsOf work on them too).
//
// This header deliberately names no gRPC type: the channel and stubs live
// behind a pointer to an implementation.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pumpurs/v1/audit.pb.h"
#include "pumpurs/v1/auth.pb.h"
#include "pumpurs/v1/directory.pb.h"
#include "pumpurs/v1/knowledge_base.pb.h"
#include "pumpurs/v1/self_check.pb.h"
#include "pumpurs/v1/statistics.pb.h"
#include "pumpurs/v1/support_plan.pb.h"
#include "pumpurs/v1/sync.pb.h"
#include "pumpurs/v1/system.pb.h"
#include "pumpurs/v1/training.pb.h"
#include "pumpurs/v1/youth_initiative.pb.h"

namespace pumpurs::client {

// How to reach a server. A plain struct: copy it, change it, pass it to
// Client::Create.
struct ClientOptions {
  // A gRPC target: "host:port", "dns:///host:port", "ipv4:1.2.3.4:5", ...
  // Required.
  std::string target = "127.0.0.1:50051";

  // PEM root certificates to verify the server with. Empty means a
  // plaintext (insecure) channel, which is only fit for loopback.
  std::string tls_root_certs_pem;

  // Mutual TLS: the client's PEM certificate (chain) and private key, both
  // or neither, for a server that requires client certificates. Need
  // tls_root_certs_pem.
  std::string tls_client_cert_pem;
  std::string tls_client_key_pem;

  // If non-empty, every call sends "authorization: Bearer <access_token>".
  // Must be printable ASCII. The client never logs it and never copies it
  // into an error message.
  std::string access_token;

  // The deadline of a call that sets none of its own (see CallOptions).
  // Must be positive; absl::InfiniteDuration() means no client deadline.
  // Note that the service config also limits every method to 10 s.
  absl::Duration default_deadline = absl::Seconds(10);

  // Compress requests with gzip (the server accepts it).
  bool gzip = false;

  // Where the bearer token comes from, besides access_token (use one):
  //  - session: a signed-in session (AuthService.Login, or Client::SignIn).
  //    The client sends its access token and renews it with
  //    AuthService.RefreshToken `refresh_before_expiry` before it expires
  //    (by access_token_expire_time), and if the server answers
  //    UNAUTHENTICATED, in which case the call is sent once more (streaming
  //    calls are not); concurrent calls renew once. The renewed session
  //    goes to on_session_renewed (on the thread of the call that renewed
  //    it, with no lock held) so the app can store it: a refresh token
  //    works once. A session with only a refresh token renews at once.
  //  - token_source: called before every call (e.g. the platform's account
  //    manager); its error fails the call without reaching the server. A
  //    refused token is not retried: the next call asks the source again.
  std::optional<v1::Session> session;
  std::function<void(const v1::Session&)> on_session_renewed;
  absl::Duration refresh_before_expiry = absl::Seconds(60);
  std::function<absl::StatusOr<std::string>()> token_source;
};

// Per-call settings; the default is fine for most calls.
struct CallOptions {
  // Overrides ClientOptions::default_deadline for this one call (relative
  // to when the call starts). Zero or negative means already expired: the
  // call fails with DEADLINE_EXCEEDED without reaching the server.
  std::optional<absl::Duration> deadline;
};

// The serving status the standard gRPC health service reports.
enum class ServingStatus {
  kUnknown = 0,
  kServing = 1,
  kNotServing = 2,
  kServiceUnknown = 3,
};

// "UNKNOWN", "SERVING", "NOT_SERVING" or "SERVICE_UNKNOWN" (static
// storage). Thread-safe.
absl::string_view ServingStatusName(ServingStatus status);

// One bad field of a rejected request, e.g. {"institution.display_name",
// "must not be empty"}.
struct FieldViolation {
  std::string field;
  std::string description;
  bool operator==(const FieldViolation& o) const {
    return field == o.field && description == o.description;
  }
};

// The machine-readable reason of an error a call returned (e.g.
// "ETAG_MISMATCH", see docs/API.md), or "" if it has none (OK, or an error
// that did not come from a Pumpurs server, such as a failed connection).
// Forwards to pumpurs::ReasonOf. Thread-safe.
std::string ErrorReason(const absl::Status& status);

// The field violations of an error a call returned, in the server's order;
// empty if none. Forwards to pumpurs::FieldViolationsOf. Thread-safe.
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

// How long the server asked the caller to wait before trying again
// (google.rpc.RetryInfo, e.g. a throttled Login), or absl::ZeroDuration().
// Thread-safe.
absl::Duration RetryDelay(const absl::Status& status);

// A connection to one Pumpurs server.
//
// Contract of every call method below (the "Thread-safe. Borrows ..."
// lines repeat it where it matters):
//  - Thread-safe: any number of threads may call any methods of one Client
//    at once; the Client holds no per-call state.
//  - Blocks the calling thread until the response, an error or the
//    deadline (CallOptions::deadline, else ClientOptions::default_deadline).
//  - Borrows `request` and `options` only until it returns; never keeps a
//    pointer to them and never modifies them. Results are returned by value
//    and owned by the caller.
//  - REQUIRES: the Client outlives the call (destroy it only after the
//    calls of every thread have returned).
//
// Retries: the channel loads proto/pumpurs/v1/service_config.json (built
// in), which retries reads and creates on UNAVAILABLE, up to 4 attempts
// within the call's deadline; updates and deletes are never retried. Creates
// fill in a random request_id when the caller left it empty, so a retried
// create cannot create twice.
//
// Errors: besides the errors each method documents (from the server),
// every call may fail with UNAVAILABLE (no connection), DEADLINE_EXCEEDED
// and CANCELLED; these carry no reason unless the server sent one.
class Client {
 public:
  // Makes a client for `options.target` (options are copied). The channel
  // connects lazily, so this succeeds for a server that is down; the first
  // call reports it. The caller owns the result.
  // Fails with INVALID_ARGUMENT if the target is empty, the default
  // deadline is not positive, a token is not printable ASCII, more than one
  // of access_token, session and token_source is set, the session has
  // neither token, or refresh_before_expiry is negative.
  // Thread-safe.
  static absl::StatusOr<std::unique_ptr<Client>> Create(
      const ClientOptions& options);

  // Closes the channel. REQUIRES: no call on this Client is in progress.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The target this client was created for; valid as long as the Client.
  // Thread-safe.
  const std::string& target() const;

  // Signs in (AuthService.Login) and keeps the session as
  // ClientOptions::session would: later calls send its token and renew it
  // (unless a token_source is set, which comes first). Sends no bearer
  // token; does not call on_session_renewed (the caller gets the session).
  // Errors: as Login (UNAUTHENTICATED for a wrong password, RESOURCE_EXHAUSTED
  // when throttled). Thread-safe.
  absl::StatusOr<v1::Session> SignIn(absl::string_view username,
                                     absl::string_view password,
                                     const CallOptions& options = {}) const;

  // The current session (after SignIn, or as renewed), if any. Thread-safe.
  std::optional<v1::Session> session() const;

  // Any unary RPC by its full method name ("/pumpurs.v1.SupportPlanService/
  // GetSupportPlan") with the serialized request; returns the serialized
  // response. Same channel, credentials, deadline, retry policy and error
  // details as the typed calls; a create's empty request_id is filled in.
  // For the bindings, which pass protobuf bytes. Errors: INVALID_ARGUMENT
  // (unknown or streaming method, or a request that does not parse as its
  // type; none reaches the server), and whatever the method returns.
  // Thread-safe.
  absl::StatusOr<std::string> CallRaw(absl::string_view method,
                                      absl::string_view request,
                                      const CallOptions& options = {}) const;

  // ---- SystemService ----

  // Echoes request.payload (at most 1024 bytes) without touching the
  // database. Errors: INVALID_ARGUMENT (payload too long).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::PingResponse> Ping(const v1::PingRequest& request,
                                        const CallOptions& options = {}) const;

  // The server's version, schema version and start time.
  // Errors: UNAVAILABLE while the server shuts down.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ServerInfo> GetServerInfo(
      const v1::GetServerInfoRequest& request = {},
      const CallOptions& options = {}) const;

  // ---- grpc.health.v1.Health ----

  // Check of `service` ("" = the whole server): SERVING until the server
  // begins to shut down, then NOT_SERVING. Not retried.
  // Errors: NOT_FOUND for a service the server does not know.
  // Thread-safe. Borrows `service` for the call only.
  absl::StatusOr<ServingStatus> Health(absl::string_view service = "",
                                       const CallOptions& options = {}) const;

  // ---- DirectoryService: municipalities ----

  // Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Municipality> GetMunicipality(
      const v1::GetMunicipalityRequest& request,
      const CallOptions& options = {}) const;

  // One page; see ForEachMunicipality to follow every page.
  // Errors: INVALID_ARGUMENT (page_size < 0, page_token of another query).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListMunicipalitiesResponse> ListMunicipalities(
      const v1::ListMunicipalitiesRequest& request,
      const CallOptions& options = {}) const;

  // Creates a municipality. If request.request_id is empty, a random one
  // is sent (in a copy: the caller's request is not modified); set it
  // yourself to make your own retries of the whole call idempotent too.
  // Errors: INVALID_ARGUMENT (one field violation per bad field),
  // ALREADY_EXISTS (reason MUNICIPALITY_CODE_TAKEN).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Municipality> CreateMunicipality(
      const v1::CreateMunicipalityRequest& request,
      const CallOptions& options = {}) const;

  // Changes the fields named in request.update_mask; conditional on
  // request.municipality.etag if set. Never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (reason ETAG_MISMATCH),
  // ALREADY_EXISTS.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Municipality> UpdateMunicipality(
      const v1::UpdateMunicipalityRequest& request,
      const CallOptions& options = {}) const;

  // Calls `fn` for every municipality the request selects, in the server's
  // order, page after page from request.page_token on (page_size is the
  // size of each page). Stops early, with OK, when `fn` returns false.
  // Each page is a call of its own with its own deadline, so the whole
  // iteration may take longer than one deadline.
  // Returns the first error of a page, after `fn` has seen the items of
  // every earlier page.
  // Thread-safe. `fn` runs on the calling thread, one item at a time, and
  // may call this Client; the item it gets is valid only during that call
  // (copy it to keep it). Borrows `request` and `fn` until it returns.
  absl::Status ForEachMunicipality(
      const v1::ListMunicipalitiesRequest& request,
      const std::function<bool(const v1::Municipality&)>& fn,
      const CallOptions& options = {}) const;

  // ---- DirectoryService: institutions ----

  // Errors: INVALID_ARGUMENT (malformed name), NOT_FOUND.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Institution> GetInstitution(
      const v1::GetInstitutionRequest& request,
      const CallOptions& options = {}) const;

  // One page, optionally filtered by municipality and kind; see
  // ForEachInstitution to follow every page.
  // Errors: INVALID_ARGUMENT (bad filter, page_size < 0, page_token of
  // another query).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListInstitutionsResponse> ListInstitutions(
      const v1::ListInstitutionsRequest& request,
      const CallOptions& options = {}) const;

  // Creates an institution; request_id as for CreateMunicipality.
  // Errors: INVALID_ARGUMENT (one field violation per bad field, also for
  // an unknown municipality), ALREADY_EXISTS (reason
  // REGISTRATION_NUMBER_TAKEN).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Institution> CreateInstitution(
      const v1::CreateInstitutionRequest& request,
      const CallOptions& options = {}) const;

  // As UpdateMunicipality. Never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (reason ETAG_MISMATCH),
  // ALREADY_EXISTS (reason REGISTRATION_NUMBER_TAKEN).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Institution> UpdateInstitution(
      const v1::UpdateInstitutionRequest& request,
      const CallOptions& options = {}) const;

  // Deletes an institution without pupils and staff; conditional on
  // request.etag if set. Never retried. (The RPC returns
  // google.protobuf.Empty, hence a plain Status.)
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (reason ETAG_MISMATCH),
  // FAILED_PRECONDITION (reason INSTITUTION_NOT_EMPTY).
  // Thread-safe. Borrows `request` for the call only.
  absl::Status DeleteInstitution(const v1::DeleteInstitutionRequest& request,
                                 const CallOptions& options = {}) const;

  // As ForEachMunicipality, for the institutions the request's filters
  // select (every page keeps them).
  // Thread-safe; `fn` as for ForEachMunicipality.
  absl::Status ForEachInstitution(
      const v1::ListInstitutionsRequest& request,
      const std::function<bool(const v1::Institution&)>& fn,
      const CallOptions& options = {}) const;

  // ---- AuthService ----

  // Signs in; needs no access token. The Session holds the access token to
  // put in ClientOptions::access_token (a new Client) and the refresh token.
  // Never retried (a retry would count as another failed attempt).
  // Errors: INVALID_ARGUMENT, UNAUTHENTICATED (reason INVALID_CREDENTIALS,
  // the same for a wrong username and a wrong password), RESOURCE_EXHAUSTED
  // (reason LOGIN_THROTTLED or ACCOUNT_LOCKED; RetryDelay() says how long to
  // wait).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Session> Login(const v1::LoginRequest& request,
                                    const CallOptions& options = {}) const;

  // Exchanges the refresh token for a new session; the old refresh token
  // stops working, and presenting it again ends the session. Needs no
  // access token.
  // Errors: INVALID_ARGUMENT, UNAUTHENTICATED (reason INVALID_TOKEN).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Session> RefreshToken(
      const v1::RefreshTokenRequest& request,
      const CallOptions& options = {}) const;

  // Ends the session of this client's access token.
  // Errors: UNAUTHENTICATED, FAILED_PRECONDITION (reason NO_SESSION: the
  // client uses an API key).
  // Thread-safe. Borrows `request` for the call only.
  absl::Status Logout(const v1::LogoutRequest& request = {},
                      const CallOptions& options = {}) const;

  // The signed-in account with its role bindings.
  // Errors: UNAUTHENTICATED.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Account> WhoAmI(const v1::WhoAmIRequest& request = {},
                                     const CallOptions& options = {}) const;

  // Creates an account; request_id as for CreateMunicipality.
  // Errors: INVALID_ARGUMENT (one field violation per bad field),
  // PERMISSION_DENIED, ALREADY_EXISTS (reason USERNAME_TAKEN).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Account> CreateAccount(
      const v1::CreateAccountRequest& request,
      const CallOptions& options = {}) const;

  // Errors: INVALID_ARGUMENT, PERMISSION_DENIED, NOT_FOUND.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Account> GetAccount(const v1::GetAccountRequest& request,
                                         const CallOptions& options = {}) const;

  // One page of accounts by username; see ForEachAccount.
  // Errors: INVALID_ARGUMENT, PERMISSION_DENIED.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(
      const v1::ListAccountsRequest& request,
      const CallOptions& options = {}) const;

  // As ForEachMunicipality, for accounts.
  // Thread-safe; `fn` as for ForEachMunicipality.
  absl::Status ForEachAccount(const v1::ListAccountsRequest& request,
                              const std::function<bool(const v1::Account&)>& fn,
                              const CallOptions& options = {}) const;

  // Sets a new password, unlocks the account and ends all its sessions.
  // Never retried.
  // Errors: INVALID_ARGUMENT, PERMISSION_DENIED, NOT_FOUND,
  // FAILED_PRECONDITION (reason SERVICE_ACCOUNT).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Account> ResetPassword(
      const v1::ResetPasswordRequest& request,
      const CallOptions& options = {}) const;

  // Issues an API key of a service account; ApiKey.key is shown only here.
  // Never retried (a retry would issue a second key).
  // Errors: INVALID_ARGUMENT, PERMISSION_DENIED, NOT_FOUND,
  // FAILED_PRECONDITION (reason NOT_A_SERVICE_ACCOUNT).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ApiKey> CreateApiKey(
      const v1::CreateApiKeyRequest& request,
      const CallOptions& options = {}) const;

  // Errors: INVALID_ARGUMENT, PERMISSION_DENIED, NOT_FOUND.
  // Thread-safe. Borrows `request` for the call only.
  absl::Status RevokeApiKey(const v1::RevokeApiKeyRequest& request,
                            const CallOptions& options = {}) const;

  // --- AuthService (add above this line) ---

  // ---- DirectoryService: pupils, guardians, staff ----
  //
  // People are personal data: the server decides access per object for the
  // signed-in caller (ClientOptions::access_token) and records every read of
  // a pupil or guardian, every list of them and every refusal in the audit
  // trail. A pupil or guardian the caller may not see is PERMISSION_DENIED
  // whether or not it exists (NOT_FOUND only for national administrators).
  // Every call below may also fail with UNAUTHENTICATED (no, expired or
  // revoked token) and PERMISSION_DENIED.

  // Errors: INVALID_ARGUMENT (malformed name).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Pupil> GetPupil(const v1::GetPupilRequest& request,
                                     const CallOptions& options = {}) const;

  // One page of an institution's pupils in Latvian alphabetical order
  // (family, then given name), optionally of one grade or with a name
  // prefix (case and diacritics ignored); see ForEachPupil.
  // Errors: INVALID_ARGUMENT (no institution, bad grade, page_size < 0,
  // page_token of another query).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListPupilsResponse> ListPupils(
      const v1::ListPupilsRequest& request,
      const CallOptions& options = {}) const;

  // As ForEachMunicipality, for the pupils the request's filters select.
  // Thread-safe; `fn` as for ForEachMunicipality.
  absl::Status ForEachPupil(const v1::ListPupilsRequest& request,
                            const std::function<bool(const v1::Pupil&)>& fn,
                            const CallOptions& options = {}) const;

  // Creates a pupil; request_id as for CreateMunicipality.
  // Errors: INVALID_ARGUMENT (one field violation per bad field),
  // ALREADY_EXISTS (reason EXTERNAL_ID_TAKEN).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Pupil> CreatePupil(const v1::CreatePupilRequest& request,
                                        const CallOptions& options = {}) const;

  // Changes the fields named in request.update_mask; conditional on
  // request.pupil.etag if set. Never retried.
  // Errors: INVALID_ARGUMENT, ABORTED (reason ETAG_MISMATCH),
  // ALREADY_EXISTS (reason EXTERNAL_ID_TAKEN).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Pupil> UpdatePupil(const v1::UpdatePupilRequest& request,
                                        const CallOptions& options = {}) const;

  // Deletes a pupil and their guardian links. Never retried.
  // Errors: INVALID_ARGUMENT, ABORTED (reason ETAG_MISMATCH).
  // Thread-safe. Borrows `request` for the call only.
  absl::Status DeletePupil(const v1::DeletePupilRequest& request,
                           const CallOptions& options = {}) const;

  // A guardian; `pupils` lists only the children the caller may see.
  // Errors: INVALID_ARGUMENT (malformed name).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Guardian> GetGuardian(
      const v1::GetGuardianRequest& request,
      const CallOptions& options = {}) const;

  // One page of the guardians of an institution's pupils, or of one pupil
  // (set exactly one); see ForEachGuardian.
  // Errors: INVALID_ARGUMENT.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListGuardiansResponse> ListGuardians(
      const v1::ListGuardiansRequest& request,
      const CallOptions& options = {}) const;

  // As ForEachMunicipality, for the guardians the request selects.
  // Thread-safe; `fn` as for ForEachMunicipality.
  absl::Status ForEachGuardian(
      const v1::ListGuardiansRequest& request,
      const std::function<bool(const v1::Guardian&)>& fn,
      const CallOptions& options = {}) const;

  // Creates a guardian linked to request.guardian.pupils; request_id as for
  // CreateMunicipality.
  // Errors: INVALID_ARGUMENT (e.g. "guardian.pupils[1]": no such pupil),
  // ALREADY_EXISTS (reason EXTERNAL_ID_TAKEN).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Guardian> CreateGuardian(
      const v1::CreateGuardianRequest& request,
      const CallOptions& options = {}) const;

  // As UpdatePupil; "pupils" in the mask replaces the links. Never retried.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Guardian> UpdateGuardian(
      const v1::UpdateGuardianRequest& request,
      const CallOptions& options = {}) const;

  // Deletes a guardian and their links. Never retried.
  // Thread-safe. Borrows `request` for the call only.
  absl::Status DeleteGuardian(const v1::DeleteGuardianRequest& request,
                              const CallOptions& options = {}) const;

  // Errors: INVALID_ARGUMENT (malformed name).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::StaffMember> GetStaffMember(
      const v1::GetStaffMemberRequest& request,
      const CallOptions& options = {}) const;

  // One page of an institution's staff, optionally of one position or with
  // a name prefix; see ForEachStaffMember.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListStaffMembersResponse> ListStaffMembers(
      const v1::ListStaffMembersRequest& request,
      const CallOptions& options = {}) const;

  // As ForEachMunicipality, for the staff the request selects.
  // Thread-safe; `fn` as for ForEachMunicipality.
  absl::Status ForEachStaffMember(
      const v1::ListStaffMembersRequest& request,
      const std::function<bool(const v1::StaffMember&)>& fn,
      const CallOptions& options = {}) const;

  // Creates a staff member; request_id as for CreateMunicipality.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::StaffMember> CreateStaffMember(
      const v1::CreateStaffMemberRequest& request,
      const CallOptions& options = {}) const;

  // As UpdatePupil. Never retried.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::StaffMember> UpdateStaffMember(
      const v1::UpdateStaffMemberRequest& request,
      const CallOptions& options = {}) const;

  // Never retried.
  // Thread-safe. Borrows `request` for the call only.
  absl::Status DeleteStaffMember(const v1::DeleteStaffMemberRequest& request,
                                 const CallOptions& options = {}) const;

  // ---- DirectoryService: CSV import ----

  // How long an import may take when CallOptions sets no deadline (the
  // service config allows ImportPeople 300 s).
  static constexpr absl::Duration kImportDeadline = absl::Minutes(5);

  // Imports request.csv_data (at most 16 MiB and 100,000 rows) into
  // request.institution. `progress`, if set, is called on the calling
  // thread with each progress message (rows_done of rows_total; at most
  // about ten a second). `*report` (may be null) gets the final message —
  // created/updated/unchanged and every bad row — whenever the server sent
  // one, also when the result is INVALID_ARGUMENT with reason
  // IMPORT_ROWS_INVALID (then nothing was stored); it is cleared first.
  // Not retried. Without CallOptions::deadline the deadline is
  // kImportDeadline.
  // Errors: INVALID_ARGUMENT (reason IMPORT_ROWS_INVALID: bad rows, see
  // `report`; otherwise a bad request: institution, kind, csv_data),
  // UNAUTHENTICATED, PERMISSION_DENIED.
  // Thread-safe. Borrows `request`, `report` and `progress` until it
  // returns.
  absl::Status ImportPeople(
      const v1::ImportPeopleRequest& request, v1::ImportPeopleResponse* report,
      const std::function<void(const v1::ImportPeopleResponse&)>& progress =
          nullptr,
      const CallOptions& options = {}) const;

  // --- Directory people and import (add above this line) ---

  // ---- AuditService ----

  // One page of audit events, newest first, optionally filtered by
  // institution, municipality, resource and actor; see ForEachAuditEvent to
  // follow every page. A head or coordinator with a single scope who sets
  // neither institution nor municipality gets their own scope; a national
  // administrator sees everything.
  // Errors: INVALID_ARGUMENT (malformed filter, page_token of another
  // query), PERMISSION_DENIED (outside the caller's scope),
  // UNAUTHENTICATED.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(
      const v1::ListAuditEventsRequest& request,
      const CallOptions& options = {}) const;

  // As ForEachMunicipality, for the audit events the request's filters
  // select (every page keeps them).
  // Thread-safe; `fn` as for ForEachMunicipality.
  absl::Status ForEachAuditEvent(
      const v1::ListAuditEventsRequest& request,
      const std::function<bool(const v1::AuditEvent&)>& fn,
      const CallOptions& options = {}) const;

  // One page of who accessed request.pupil's data, newest first: for the
  // pupil's guardians, the adult pupil, national administrators. The call
  // itself is recorded in the pupil's trail.
  // Errors: INVALID_ARGUMENT, PERMISSION_DENIED (also for a pupil that
  // does not exist), NOT_FOUND (national administrators only),
  // UNAUTHENTICATED.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListPupilAccessResponse> ListPupilAccess(
      const v1::ListPupilAccessRequest& request,
      const CallOptions& options = {}) const;

  // As ForEachMunicipality, for every event of ListPupilAccess. Each page
  // is recorded in the pupil's trail.
  // Thread-safe; `fn` as for ForEachMunicipality.
  absl::Status ForEachPupilAccess(
      const v1::ListPupilAccessRequest& request,
      const std::function<bool(const v1::AuditEvent&)>& fn,
      const CallOptions& options = {}) const;

  // --- AuditService (add above this line) ---

  // ---- KnowledgeBaseService ----
  // The taxonomy and published parent/pupil articles need no token; staff
  // articles need any signed-in account; writes need a methodologist.

  // One page of risk factors (by group and order) / measure types (by code).
  // Errors: INVALID_ARGUMENT.
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListRiskFactorsResponse> ListRiskFactors(
      const v1::ListRiskFactorsRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::ListMeasureTypesResponse> ListMeasureTypes(
      const v1::ListMeasureTypesRequest& request,
      const CallOptions& options = {}) const;
  // Every risk factor / measure type the request's filters select.
  // Thread-safe; `fn` as for ForEachMunicipality.
  absl::Status ForEachRiskFactor(
      const v1::ListRiskFactorsRequest& request,
      const std::function<bool(const v1::RiskFactor&)>& fn,
      const CallOptions& options = {}) const;
  absl::Status ForEachMeasureType(
      const v1::ListMeasureTypesRequest& request,
      const std::function<bool(const v1::MeasureType&)>& fn,
      const CallOptions& options = {}) const;

  // One risk factor ("riskFactors/{code}") / measure type
  // ("measureTypes/{code}"). Errors: INVALID_ARGUMENT, NOT_FOUND.
  // Thread-safe.
  absl::StatusOr<v1::RiskFactor> GetRiskFactor(
      absl::string_view name, const CallOptions& options = {}) const;
  absl::StatusOr<v1::MeasureType> GetMeasureType(
      absl::string_view name, const CallOptions& options = {}) const;

  // An article: the published version for readers, the working copy for
  // methodologists. Errors: INVALID_ARGUMENT, NOT_FOUND (also for articles
  // the caller may not read), UNAUTHENTICATED (staff articles without an
  // account). Thread-safe.
  absl::StatusOr<v1::Article> GetArticle(absl::string_view name,
                                         const CallOptions& options = {}) const;
  // One page of the articles the caller may read, newest first.
  // Errors: INVALID_ARGUMENT. Thread-safe.
  absl::StatusOr<v1::ListArticlesResponse> ListArticles(
      const v1::ListArticlesRequest& request,
      const CallOptions& options = {}) const;
  // Every article the request's filters select. Thread-safe.
  absl::Status ForEachArticle(const v1::ListArticlesRequest& request,
                              const std::function<bool(const v1::Article&)>& fn,
                              const CallOptions& options = {}) const;

  // Creates a draft article (methodologists). A request_id is added if the
  // request has none, so a retried call creates one article.
  // Errors: INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED.
  // Thread-safe.
  absl::StatusOr<v1::Article> CreateArticle(
      const v1::CreateArticleRequest& request,
      const CallOptions& options = {}) const;
  // Changes an article's working copy. Errors: INVALID_ARGUMENT,
  // UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, ABORTED (stale etag),
  // FAILED_PRECONDITION (archived). Thread-safe.
  absl::StatusOr<v1::Article> UpdateArticle(
      const v1::UpdateArticleRequest& request,
      const CallOptions& options = {}) const;
  // Publishes the working copy as a new revision (`etag` empty:
  // unconditionally). Errors: as UpdateArticle, FAILED_PRECONDITION
  // (ARTICLE_NEEDS_LATVIAN, ARTICLE_ARCHIVED). Thread-safe.
  absl::StatusOr<v1::Article> PublishArticle(
      absl::string_view name, absl::string_view etag = "",
      const CallOptions& options = {}) const;
  // Archives an article. Errors: as UpdateArticle. Thread-safe.
  absl::StatusOr<v1::Article> ArchiveArticle(
      absl::string_view name, absl::string_view etag = "",
      const CallOptions& options = {}) const;

  // One published revision ("articles/{a}/revisions/{n}").
  // Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::ArticleRevision> GetArticleRevision(
      absl::string_view name, const CallOptions& options = {}) const;
  // One page of an article's revisions, newest first.
  // Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::ListArticleRevisionsResponse> ListArticleRevisions(
      const v1::ListArticleRevisionsRequest& request,
      const CallOptions& options = {}) const;

  // One page of full-text search hits over the published articles the
  // caller may read, best first (bm25), with snippets that mark the matched
  // words "[like this]". Case, diacritics and common Latvian inflections do
  // not matter; every query word also matches as a prefix.
  // Errors: INVALID_ARGUMENT. Thread-safe.
  absl::StatusOr<v1::SearchArticlesResponse> SearchArticles(
      const v1::SearchArticlesRequest& request,
      const CallOptions& options = {}) const;
  // The measure types for a pupil's assessed risks, ranked by points
  // (strength × severity per addressed risk) with the reasons; measures with
  // a caveat (grade, vocational school) come after all suitable ones.
  // Deterministic; no account needed. Errors: INVALID_ARGUMENT.
  // Thread-safe.
  absl::StatusOr<v1::RecommendMeasuresResponse> RecommendMeasures(
      const v1::RecommendMeasuresRequest& request,
      const CallOptions& options = {}) const;

  // --- KnowledgeBaseService (add above this line) ---

  // ---- SupportPlanService: applications ----
  // Every call below may also fail with UNAUTHENTICATED and
  // PERMISSION_DENIED; refused transitions are FAILED_PRECONDITION with the
  // reason naming the rule (see proto/pumpurs/v1/support_plan.proto).

  // Records an application: online by a guardian or the adult pupil, or
  // from a signed paper form by staff (signed_date set). request_id as for
  // CreateMunicipality. Errors: INVALID_ARGUMENT, ALREADY_EXISTS (reason
  // APPLICATION_EXISTS). Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Application> CreateApplication(
      const v1::CreateApplicationRequest& request,
      const CallOptions& options = {}) const;
  // Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::Application> GetApplication(
      const v1::GetApplicationRequest& request,
      const CallOptions& options = {}) const;
  // One page of an institution's or a pupil's applications, newest first;
  // see ForEachApplication. Errors: INVALID_ARGUMENT. Thread-safe.
  absl::StatusOr<v1::ListApplicationsResponse> ListApplications(
      const v1::ListApplicationsRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for the applications the request selects.
  absl::Status ForEachApplication(
      const v1::ListApplicationsRequest& request,
      const std::function<bool(const v1::Application&)>& fn,
      const CallOptions& options = {}) const;
  // Withdraws an application (its plans stop). Never retried.
  // Errors: INVALID_ARGUMENT, ABORTED (reason ETAG_MISMATCH),
  // FAILED_PRECONDITION (APPLICATION_WITHDRAWN). Thread-safe.
  absl::StatusOr<v1::Application> WithdrawApplication(
      const v1::WithdrawApplicationRequest& request,
      const CallOptions& options = {}) const;

  // ---- SupportPlanService: plans ----

  // Creates a draft plan; request_id as for CreateMunicipality.
  // Errors: INVALID_ARGUMENT, FAILED_PRECONDITION (APPLICATION_REQUIRED,
  // APPLICATION_WITHDRAWN), ALREADY_EXISTS (PLAN_EXISTS_FOR_SEMESTER).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::SupportPlan> CreateSupportPlan(
      const v1::CreateSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  // One plan, redacted to what the caller may see.
  // Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::SupportPlan> GetSupportPlan(
      const v1::GetSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  // One page of the plans the caller may see, newest first; see
  // ForEachSupportPlan. Errors: INVALID_ARGUMENT. Thread-safe.
  absl::StatusOr<v1::ListSupportPlansResponse> ListSupportPlans(
      const v1::ListSupportPlansRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for the plans the request's filters select.
  absl::Status ForEachSupportPlan(
      const v1::ListSupportPlansRequest& request,
      const std::function<bool(const v1::SupportPlan&)>& fn,
      const CallOptions& options = {}) const;
  // Changes the fields named in request.update_mask of a draft or a plan
  // under revision; conditional on request.support_plan.etag if set. Never
  // retried. Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (ETAG_MISMATCH),
  // FAILED_PRECONDITION (PLAN_NOT_EDITABLE, APPLICATION_WITHDRAWN).
  // Thread-safe.
  absl::StatusOr<v1::SupportPlan> UpdateSupportPlan(
      const v1::UpdateSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  // Measures the knowledge base suggests for the plan's risks; stores
  // nothing. Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::SuggestMeasuresResponse> SuggestMeasures(
      const v1::SuggestMeasuresRequest& request,
      const CallOptions& options = {}) const;

  // The plan's actions. Each is conditional on request.etag if set, is
  // never retried and returns the plan as it now is.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (ETAG_MISMATCH),
  // FAILED_PRECONDITION with the reason of the refused rule
  // (PLAN_NOT_IN_DRAFT, PLAN_INCOMPLETE, PLAN_NOT_IN_APPROVAL,
  // PLAN_NOT_SUSPENDABLE, PLAN_NOT_SUSPENDED, SEMESTER_OVER,
  // PLAN_NOT_REVISABLE, FUNDS_USED, PLAN_INACTIVE, PLAN_NOT_APPROVED,
  // PLAN_NOT_IN_IMPLEMENTATION, EVALUATION_INCOMPLETE, NEXT_PLAN_EXISTS,
  // APPLICATION_WITHDRAWN), PERMISSION_DENIED (NOT_YOUR_APPROVAL_LEVEL).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::SupportPlan> SubmitSupportPlan(
      const v1::SubmitSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::SupportPlan> ApproveSupportPlan(
      const v1::ApproveSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::SupportPlan> RejectSupportPlan(
      const v1::RejectSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::SupportPlan> StartSupportPlan(
      const v1::StartSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::SupportPlan> SuspendSupportPlan(
      const v1::SuspendSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::SupportPlan> ResumeSupportPlan(
      const v1::ResumeSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::SupportPlan> ReviseSupportPlan(
      const v1::ReviseSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  // The plan stays, as inactive and without contents.
  absl::StatusOr<v1::SupportPlan> DeleteSupportPlan(
      const v1::DeleteSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::SupportPlan> EvaluateSupportPlan(
      const v1::EvaluateSupportPlanRequest& request,
      const CallOptions& options = {}) const;
  // By the guardian or the adult pupil (no etag).
  absl::StatusOr<v1::SupportPlan> AcknowledgeSupportPlan(
      const v1::AcknowledgeSupportPlanRequest& request,
      const CallOptions& options = {}) const;

  // One page of the plan's changes, newest first; see ForEachPlanRevision.
  // Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::GetSupportPlanHistoryResponse> GetSupportPlanHistory(
      const v1::GetSupportPlanHistoryRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for every revision of the plan.
  absl::Status ForEachPlanRevision(
      const v1::GetSupportPlanHistoryRequest& request,
      const std::function<bool(const v1::PlanRevision&)>& fn,
      const CallOptions& options = {}) const;

  // ---- SupportPlanService: deliveries ----

  // Records a consultation or compensation given under a measure;
  // request_id as for CreateMunicipality. Errors: INVALID_ARGUMENT,
  // NOT_FOUND, FAILED_PRECONDITION (PLAN_NOT_IN_IMPLEMENTATION,
  // MEASURE_NOT_IN_PLAN, DATE_OUTSIDE_MEASURE_PERIOD,
  // CONFIRMATION_TOO_LATE, APPLICATION_WITHDRAWN). Thread-safe.
  absl::StatusOr<v1::DeliveryRecord> RecordDelivery(
      const v1::RecordDeliveryRequest& request,
      const CallOptions& options = {}) const;
  // One page of a plan's delivery records, oldest first; see
  // ForEachDelivery. Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::ListDeliveriesResponse> ListDeliveries(
      const v1::ListDeliveriesRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for the delivery records the request selects.
  absl::Status ForEachDelivery(
      const v1::ListDeliveriesRequest& request,
      const std::function<bool(const v1::DeliveryRecord&)>& fn,
      const CallOptions& options = {}) const;
  // One page of consultation hours per provider per month of an
  // institution; see ForEachDeliveredHours. Errors: INVALID_ARGUMENT.
  // Thread-safe.
  absl::StatusOr<v1::ListDeliveredHoursResponse> ListDeliveredHours(
      const v1::ListDeliveredHoursRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for every row the request selects.
  absl::Status ForEachDeliveredHours(
      const v1::ListDeliveredHoursRequest& request,
      const std::function<bool(const v1::DeliveredHours&)>& fn,
      const CallOptions& options = {}) const;

  // --- SupportPlanService (add above this line) ---

  // ---- YouthInitiativeService: calls ----
  // Every call below may also fail with UNAUTHENTICATED and
  // PERMISSION_DENIED; refused transitions are FAILED_PRECONDITION with the
  // reason naming the rule (see proto/pumpurs/v1/youth_initiative.proto).

  // Creates a draft call (the owner's coordinators, or the national
  // administrator); request_id as for CreateMunicipality.
  // Errors: INVALID_ARGUMENT (one field violation per bad field).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Call> CreateCall(const v1::CreateCallRequest& request,
                                      const CallOptions& options = {}) const;
  // Open and decided calls to any signed-in account, drafts to the owner.
  // Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::Call> GetCall(const v1::GetCallRequest& request,
                                   const CallOptions& options = {}) const;
  // One page of the calls the caller may see, newest first; see
  // ForEachCall. Errors: INVALID_ARGUMENT. Thread-safe.
  absl::StatusOr<v1::ListCallsResponse> ListCalls(
      const v1::ListCallsRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for the calls the request's filters select.
  absl::Status ForEachCall(const v1::ListCallsRequest& request,
                           const std::function<bool(const v1::Call&)>& fn,
                           const CallOptions& options = {}) const;
  // Changes the fields named in request.update_mask of a draft call (or the
  // evaluators of an open one); conditional on request.call.etag if set.
  // Never retried. Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED
  // (ETAG_MISMATCH), FAILED_PRECONDITION (CALL_NOT_DRAFT). Thread-safe.
  absl::StatusOr<v1::Call> UpdateCall(const v1::UpdateCallRequest& request,
                                      const CallOptions& options = {}) const;
  // Draft → open. Conditional on request.etag if set; never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (ETAG_MISMATCH),
  // FAILED_PRECONDITION (CALL_NOT_DRAFT). Thread-safe.
  absl::StatusOr<v1::Call> OpenCall(const v1::OpenCallRequest& request,
                                    const CallOptions& options = {}) const;
  // Approves the best-ranked evaluated projects within max_projects and
  // rejects the rest; returns the decided call and every decision, best
  // first. Never retried. Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED
  // (ETAG_MISMATCH), FAILED_PRECONDITION (CALL_NOT_OPEN,
  // EVALUATION_NOT_OPEN, SCORES_INCOMPLETE, CALL_ALREADY_DECIDED).
  // Thread-safe.
  absl::StatusOr<v1::DecideCallResponse> DecideCall(
      const v1::DecideCallRequest& request,
      const CallOptions& options = {}) const;

  // ---- YouthInitiativeService: projects ----

  // Creates a draft project under an open call, owned by the caller's
  // account; request_id as for CreateMunicipality. Errors:
  // INVALID_ARGUMENT, FAILED_PRECONDITION (CALL_NOT_OPEN). Thread-safe.
  absl::StatusOr<v1::Initiative> CreateInitiative(
      const v1::CreateInitiativeRequest& request,
      const CallOptions& options = {}) const;
  // One project, redacted to what the caller may see (the at-risk counts
  // are 0 for all but the call's owner). Errors: INVALID_ARGUMENT,
  // NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::Initiative> GetInitiative(
      const v1::GetInitiativeRequest& request,
      const CallOptions& options = {}) const;
  // One page of the projects the caller may see, newest first; see
  // ForEachInitiative. Errors: INVALID_ARGUMENT. Thread-safe.
  absl::StatusOr<v1::ListInitiativesResponse> ListInitiatives(
      const v1::ListInitiativesRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for the projects the request's filters select.
  absl::Status ForEachInitiative(
      const v1::ListInitiativesRequest& request,
      const std::function<bool(const v1::Initiative&)>& fn,
      const CallOptions& options = {}) const;
  // Changes the fields named in request.update_mask of a draft project;
  // conditional on request.initiative.etag if set. Never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (ETAG_MISMATCH),
  // FAILED_PRECONDITION (INITIATIVE_NOT_DRAFT). Thread-safe.
  absl::StatusOr<v1::Initiative> UpdateInitiative(
      const v1::UpdateInitiativeRequest& request,
      const CallOptions& options = {}) const;

  // The project's actions. Each (but ScoreInitiative, which replaces the
  // evaluator's scores) is conditional on request.etag if set; none is
  // retried; each returns the project as it now is.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (ETAG_MISMATCH),
  // FAILED_PRECONDITION with the reason of the refused rule
  // (INITIATIVE_NOT_DRAFT, OUTSIDE_APPLICATION_PERIOD, BUDGET_NOT_LUMP_SUM,
  // CALL_NOT_OPEN, INITIATIVE_NOT_WITHDRAWABLE, EVALUATION_NOT_OPEN,
  // INITIATIVE_NOT_SUBMITTED, INITIATIVE_NOT_APPROVED,
  // INITIATIVE_NOT_IN_PROGRESS, REPORT_INCOMPLETE, INITIATIVE_NOT_REPORTED),
  // PERMISSION_DENIED (NOT_AN_EVALUATOR, CONFLICT_OF_INTEREST).
  // Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::Initiative> SubmitInitiative(
      const v1::SubmitInitiativeRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::Initiative> WithdrawInitiative(
      const v1::WithdrawInitiativeRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::Initiative> ScoreInitiative(
      const v1::ScoreInitiativeRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::Initiative> StartInitiative(
      const v1::StartInitiativeRequest& request,
      const CallOptions& options = {}) const;
  absl::StatusOr<v1::Initiative> SubmitReport(
      const v1::SubmitReportRequest& request,
      const CallOptions& options = {}) const;
  // By the call's owner: reported → closed.
  absl::StatusOr<v1::Initiative> AcceptReport(
      const v1::AcceptReportRequest& request,
      const CallOptions& options = {}) const;

  // --- YouthInitiativeService (add above this line) ---

  // ---- SelfCheckService ----
  // Parents' self-check questionnaires (see
  // proto/pumpurs/v1/self_check.proto). Writes need a methodologist or a
  // national administrator (else UNAUTHENTICATED / PERMISSION_DENIED).

  // One page of questionnaires: published ones (their latest revision) to
  // anyone, also without an access token; every working copy to
  // methodologists and national administrators. By age band, then name;
  // see ForEachQuestionnaire. Retried on UNAVAILABLE.
  // Errors: INVALID_ARGUMENT. Thread-safe. Borrows `request` for the call
  // only.
  absl::StatusOr<v1::ListQuestionnairesResponse> ListQuestionnaires(
      const v1::ListQuestionnairesRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for the questionnaires the request selects.
  absl::Status ForEachQuestionnaire(
      const v1::ListQuestionnairesRequest& request,
      const std::function<bool(const v1::Questionnaire&)>& fn,
      const CallOptions& options = {}) const;
  // One questionnaire, as ListQuestionnaires decides; needs no access
  // token for a published one. Retried on UNAVAILABLE.
  // Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::Questionnaire> GetQuestionnaire(
      const v1::GetQuestionnaireRequest& request,
      const CallOptions& options = {}) const;
  // Creates a draft; request_id as for CreateMunicipality.
  // Errors: INVALID_ARGUMENT (one field violation per bad field),
  // UNAUTHENTICATED, PERMISSION_DENIED. Thread-safe.
  absl::StatusOr<v1::Questionnaire> CreateQuestionnaire(
      const v1::CreateQuestionnaireRequest& request,
      const CallOptions& options = {}) const;
  // Changes the fields named in request.update_mask (age_band, title,
  // introduction, questions, areas) of the working copy; conditional on
  // request.questionnaire.etag if set. Never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (ETAG_MISMATCH).
  // Thread-safe.
  absl::StatusOr<v1::Questionnaire> UpdateQuestionnaire(
      const v1::UpdateQuestionnaireRequest& request,
      const CallOptions& options = {}) const;
  // Publishes the working copy as the next revision; conditional on
  // request.etag if set. Never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, ABORTED (ETAG_MISMATCH),
  // FAILED_PRECONDITION (QUESTIONNAIRE_INCOMPLETE). Thread-safe.
  absl::StatusOr<v1::Questionnaire> PublishQuestionnaire(
      const v1::PublishQuestionnaireRequest& request,
      const CallOptions& options = {}) const;
  // Evaluates answers to a published questionnaire (by name, or the
  // band's); a pure function on the server: nothing is stored or logged.
  // Works without an access token (a client made with an empty
  // ClientOptions::access_token sends none). Retried on UNAVAILABLE (it
  // changes nothing).
  // Errors: INVALID_ARGUMENT (unknown question or option, a question
  // answered twice), NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::SelfCheckResult> EvaluateSelfCheck(
      const v1::EvaluateSelfCheckRequest& request,
      const CallOptions& options = {}) const;
  // A signed-in guardian (or adult pupil) turns a self-check into an
  // application for an individual support plan carrying only
  // request.shared_areas and request.note (never the answers); request_id
  // as for CreateMunicipality.
  // Errors: INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED,
  // ALREADY_EXISTS (APPLICATION_EXISTS). Thread-safe.
  absl::StatusOr<v1::Application> ApplyFromSelfCheck(
      const v1::ApplyFromSelfCheckRequest& request,
      const CallOptions& options = {}) const;

  // --- SelfCheckService (add above this line) ---

  // ---- TrainingService ----
  // Staff development (see proto/pumpurs/v1/training.proto). Every call
  // needs an access token (else UNAUTHENTICATED); refused transitions are
  // FAILED_PRECONDITION with the reason naming the rule.

  // Creates a draft event organised by the caller's account; request_id as
  // for CreateMunicipality.
  // Errors: INVALID_ARGUMENT (e.g. an article that is not a published
  // METHOD article), PERMISSION_DENIED. Thread-safe.
  absl::StatusOr<v1::TrainingEvent> CreateTrainingEvent(
      const v1::CreateTrainingEventRequest& request,
      const CallOptions& options = {}) const;
  // Published events to any signed-in account, drafts to the organiser.
  // Errors: INVALID_ARGUMENT, NOT_FOUND. Thread-safe.
  absl::StatusOr<v1::TrainingEvent> GetTrainingEvent(
      const v1::GetTrainingEventRequest& request,
      const CallOptions& options = {}) const;
  // One page of events, soonest first; see ForEachTrainingEvent.
  // Errors: INVALID_ARGUMENT. Thread-safe.
  absl::StatusOr<v1::ListTrainingEventsResponse> ListTrainingEvents(
      const v1::ListTrainingEventsRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for the events the request's filters select.
  absl::Status ForEachTrainingEvent(
      const v1::ListTrainingEventsRequest& request,
      const std::function<bool(const v1::TrainingEvent&)>& fn,
      const CallOptions& options = {}) const;
  // Changes the fields named in request.update_mask; conditional on
  // request.training_event.etag if set. By the organiser. Never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, ABORTED
  // (ETAG_MISMATCH), FAILED_PRECONDITION (CAPACITY_BELOW_REGISTRATIONS,
  // EVENT_CANCELLED). Thread-safe.
  absl::StatusOr<v1::TrainingEvent> UpdateTrainingEvent(
      const v1::UpdateTrainingEventRequest& request,
      const CallOptions& options = {}) const;
  // Draft → published; conditional on request.etag if set. Never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, ABORTED
  // (ETAG_MISMATCH), FAILED_PRECONDITION (EVENT_NOT_DRAFT). Thread-safe.
  absl::StatusOr<v1::TrainingEvent> PublishTrainingEvent(
      const v1::PublishTrainingEventRequest& request,
      const CallOptions& options = {}) const;
  // Cancels an event (registrations stay, no hours count); conditional on
  // request.etag if set. Never retried.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, ABORTED
  // (ETAG_MISMATCH), FAILED_PRECONDITION (EVENT_CANCELLED). Thread-safe.
  absl::StatusOr<v1::TrainingEvent> CancelTrainingEvent(
      const v1::CancelTrainingEventRequest& request,
      const CallOptions& options = {}) const;
  // Registers the caller's staff record (request.staff if the caller has
  // several); request_id as for CreateMunicipality, so a retry cannot take
  // a second place.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED (no staff
  // record), FAILED_PRECONDITION (EVENT_FULL, EVENT_NOT_OPEN,
  // EVENT_STARTED, AUDIENCE_MISMATCH), ALREADY_EXISTS
  // (ALREADY_REGISTERED). Thread-safe.
  absl::StatusOr<v1::Registration> RegisterForTraining(
      const v1::RegisterForTrainingRequest& request,
      const CallOptions& options = {}) const;
  // Cancels the caller's own registration before the event starts. Never
  // retried. Errors: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED,
  // FAILED_PRECONDITION (EVENT_STARTED, REGISTRATION_CANCELLED).
  // Thread-safe.
  absl::StatusOr<v1::Registration> CancelRegistration(
      const v1::CancelRegistrationRequest& request,
      const CallOptions& options = {}) const;
  // One page of an event's registrations, oldest first (the organiser sees
  // all, a staff member their own); see ForEachRegistration.
  // Errors: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED. Thread-safe.
  absl::StatusOr<v1::ListRegistrationsResponse> ListRegistrations(
      const v1::ListRegistrationsRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for every registration of the event.
  absl::Status ForEachRegistration(
      const v1::ListRegistrationsRequest& request,
      const std::function<bool(const v1::Registration&)>& fn,
      const CallOptions& options = {}) const;
  // The organiser records attended (true) or absent (false) once the event
  // has started. Never retried. Errors: INVALID_ARGUMENT, NOT_FOUND,
  // PERMISSION_DENIED, FAILED_PRECONDITION (EVENT_NOT_STARTED,
  // REGISTRATION_CANCELLED). Thread-safe.
  absl::StatusOr<v1::Registration> RecordAttendance(
      const v1::RecordAttendanceRequest& request,
      const CallOptions& options = {}) const;
  // One page of professional-development hours per staff member in the
  // period, with the total; see ForEachTrainingHours.
  // Errors: INVALID_ARGUMENT, PERMISSION_DENIED. Thread-safe.
  absl::StatusOr<v1::ListTrainingHoursResponse> ListTrainingHours(
      const v1::ListTrainingHoursRequest& request,
      const CallOptions& options = {}) const;
  // As ForEachMunicipality, for every row the request selects (the total
  // is on each page; read it from ListTrainingHours).
  absl::Status ForEachTrainingHours(
      const v1::ListTrainingHoursRequest& request,
      const std::function<bool(const v1::TrainingHours&)>& fn,
      const CallOptions& options = {}) const;

  // --- TrainingService (add above this line) ---

  // ---- StatisticsService ----
  // Programme indicators: aggregates only (see
  // proto/pumpurs/v1/statistics.proto). A count of fewer than 5 pupils, and
  // any figure that would reveal one, comes back as Figure.suppressed with
  // value 0: show it as suppressed, never as 0. Both calls read only and
  // are retried on UNAVAILABLE.

  // The indicators of request.scope (empty: the whole country) for
  // request.period (required), with request.trend_semesters of trend.
  // Errors: INVALID_ARGUMENT (a field violation naming "scope" or
  // "period"...), UNAUTHENTICATED, PERMISSION_DENIED (a scope the caller
  // may not see), NOT_FOUND (the scope's municipality or institution).
  // Thread-safe.
  absl::StatusOr<v1::ProgrammeIndicators> GetProgrammeIndicators(
      const v1::GetProgrammeIndicatorsRequest& request,
      const CallOptions& options = {}) const;
  // The same indicators as the server's CSV files (one per report), with
  // headers in request.language ("en" or "lv"; empty means "en").
  // Errors: as GetProgrammeIndicators, and INVALID_ARGUMENT ("language").
  // Thread-safe.
  absl::StatusOr<v1::ExportProgrammeIndicatorsResponse>
  ExportProgrammeIndicators(const v1::ExportProgrammeIndicatorsRequest& request,
                            const CallOptions& options = {}) const;

  // --- StatisticsService (add above this line) ---

  // ---- SyncService ----

  // The changes after request.sync_token (empty: from the beginning),
  // oldest first; ask again at once while has_more. Each plan and
  // application sent, and each youth-initiative project that names pupils,
  // is audited as a read.
  // Errors: INVALID_ARGUMENT (malformed token or page_size),
  // UNAUTHENTICATED. Thread-safe. Borrows `request` for the call only.
  absl::StatusOr<v1::ListChangesResponse> ListChanges(
      const v1::ListChangesRequest& request,
      const CallOptions& options = {}) const;

  // Follows the change feed from request.sync_token on: calls `fn` on the
  // calling thread with each batch the server sends (the changes so far,
  // then new ones as they are committed, and empty heartbeats that carry
  // the current token) until `fn` returns false, which ends the watch with
  // OK. Keep the sync_token of the last batch `fn` saw to resume from it.
  // Unlike other calls, without CallOptions::deadline the watch has no
  // deadline (ClientOptions::default_deadline does not apply). Not retried.
  // Errors: as ListChanges, and whatever ends the stream (UNAVAILABLE when
  // the server goes away, DEADLINE_EXCEEDED, ...), after `fn` has seen
  // every batch that arrived.
  // Thread-safe. Borrows `request` and `fn` until it returns.
  absl::Status WatchChanges(
      const v1::WatchChangesRequest& request,
      const std::function<bool(const v1::WatchChangesResponse&)>& fn,
      const CallOptions& options = {}) const;

  // --- SyncService (add above this line) ---

 private:
  class Impl;
  explicit Client(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace pumpurs::client

#endif  // PUMPURS_CLIENT_CLIENT_H_
