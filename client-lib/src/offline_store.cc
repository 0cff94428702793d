// The offline store (pumpurs/client/offline.h): one SQLite file in WAL mode
// with synchronous=FULL, so a committed Enqueue is on disk before it
// returns. Tables:
//   meta(key, value)            the sync token
//   cache(resource, change, sequence)   the last synced v1.Change of each
//                                        resource
//   outbox(id, method, request, resource, base_etag, request_id,
//          enqueue_time, attempts, last_error)
//   conflicts(mutation_id, mutation, code, reason, message,
//             server_version, local_version)

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "client-lib/src/offline_db.h"
#include "client-lib/src/offline_reflect.h"
#include "google/protobuf/util/time_util.h"
#include "pumpurs/client/offline.h"

namespace pumpurs::client {
namespace {

using internal::OfflineDb;
using internal::Stmt;
using internal::Tx;

// "PUMP": marks the file as an offline store.
constexpr int64_t kApplicationId = 0x50554D50;
constexpr int kSchemaVersion = 1;
constexpr int kSyncPageSize = 1000;

constexpr char kSchema[] = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE cache (
  resource TEXT PRIMARY KEY,
  change BLOB NOT NULL,
  sequence INTEGER NOT NULL
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  method TEXT NOT NULL,
  request BLOB NOT NULL,
  resource TEXT NOT NULL,
  base_etag TEXT NOT NULL,
  request_id TEXT NOT NULL,
  enqueue_time INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  -- 1 once base_etag was moved onto the version an earlier change made:
  -- the etag inside request is then stale, base_etag is the one to send.
  rebased INTEGER NOT NULL DEFAULT 0
);
-- Not on base_etag: a rebase rewrites that column of many rows.
CREATE INDEX outbox_by_resource ON outbox (resource, id);
CREATE TABLE conflicts (
  mutation_id INTEGER PRIMARY KEY,
  mutation BLOB NOT NULL,
  code INTEGER NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  server_version BLOB,
  local_version BLOB
);
)sql";

#define OFFLINE_RETURN_IF_ERROR(expr) \
  do {                                \
    absl::Status _s = (expr);         \
    if (!_s.ok()) return _s;          \
  } while (0)

#define OFFLINE_CONCAT_(a, b) a##b
#define OFFLINE_CONCAT(a, b) OFFLINE_CONCAT_(a, b)
#define OFFLINE_ASSIGN_OR_RETURN(lhs, expr)         \
  auto OFFLINE_CONCAT(_so_, __LINE__) = (expr);     \
  if (!OFFLINE_CONCAT(_so_, __LINE__).ok())         \
    return OFFLINE_CONCAT(_so_, __LINE__).status(); \
  lhs = std::move(*OFFLINE_CONCAT(_so_, __LINE__))

// Refusals that sending again cannot fix: the change goes to the
// conflicts. Everything else (UNAVAILABLE, DEADLINE_EXCEEDED,
// UNAUTHENTICATED, RESOURCE_EXHAUSTED, CANCELLED, INTERNAL, UNKNOWN, ...)
// may pass later and stops the replay.
bool IsFinal(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
      return true;
    default:
      return false;
  }
}

std::string Describe(const absl::Status& s) {
  return absl::StrCat(absl::StatusCodeToString(s.code()), ": ", s.message());
}

// Puts base_etag into the request of a rebased change. Done when a change
// is read rather than when it is rebased: rewriting every later request at
// each accepted change would make a long chain of edits of one resource
// quadratic.
void PatchEtag(v1::OutboxMutation& m) {
  absl::StatusOr<const google::protobuf::MethodDescriptor*> method =
      internal::FindUnaryMethod(m.method());
  if (!method.ok()) return;  // checked by Enqueue
  std::unique_ptr<google::protobuf::Message> request =
      internal::NewMessage((*method)->input_type());
  if (!request->ParseFromString(m.request())) return;
  // A change not conditional on an etag keeps none.
  if (internal::SetEtag(*request, m.resource(), m.base_etag())) {
    m.set_request(request->SerializeAsString());
  }
}

v1::OutboxMutation MutationFrom(const Stmt& row) {
  // Columns: id, method, request, resource, base_etag, request_id,
  // enqueue_time, attempts, last_error, rebased.
  v1::OutboxMutation m;
  m.set_id(row.Int(0));
  m.set_method(row.Text(1));
  m.set_request(row.Blob(2));
  m.set_resource(row.Text(3));
  m.set_base_etag(row.Text(4));
  m.set_request_id(row.Text(5));
  *m.mutable_enqueue_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(row.Int(6));
  m.set_attempts(static_cast<int32_t>(row.Int(7)));
  m.set_last_error(row.Text(8));
  if (row.Int(9) != 0) PatchEtag(m);
  return m;
}

constexpr char kMutationColumns[] =
    "id, method, request, resource, base_etag, request_id, enqueue_time, "
    "attempts, last_error, rebased";

}  // namespace

struct OfflineStore::Impl {
  explicit Impl(OfflineDb d) : db(std::move(d)) {}

  absl::Mutex mu;
  OfflineDb db ABSL_GUARDED_BY(mu);

  absl::StatusOr<std::optional<v1::Change>> CachedLocked(
      absl::string_view resource) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    OFFLINE_ASSIGN_OR_RETURN(
        Stmt s, db.Prepare("SELECT change FROM cache WHERE resource = ?"));
    s.Bind(1, resource);
    OFFLINE_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return std::nullopt;
    v1::Change c;
    if (!c.ParseFromString(s.Blob(0))) {
      return absl::DataLossError("offline store: a cached change is corrupt");
    }
    return c;
  }

  // The first queued change after `id`.
  absl::StatusOr<std::optional<v1::OutboxMutation>> NextAfter(int64_t id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    OFFLINE_ASSIGN_OR_RETURN(
        Stmt s, db.Prepare(absl::StrCat("SELECT ", kMutationColumns,
                                        " FROM outbox WHERE id > ? ORDER BY "
                                        "id LIMIT 1")
                               .c_str()));
    s.Bind(1, id);
    OFFLINE_ASSIGN_OR_RETURN(bool found, s.Step());
    if (!found) return std::nullopt;
    return MutationFrom(s);
  }

  // Stores `resource` (a server's answer) as the cached version, keeping the
  // sequence of the last sync so the next sync still replaces it.
  absl::Status CacheLocked(const google::protobuf::Message& resource)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    v1::Change change;
    if (!internal::WrapInChange(resource, &change) ||
        change.resource().empty()) {
      return absl::OkStatus();
    }
    OFFLINE_ASSIGN_OR_RETURN(std::optional<v1::Change> old,
                             CachedLocked(change.resource()));
    if (old) {
      change.set_sequence(old->sequence());
      *change.mutable_change_time() = old->change_time();
    }
    OFFLINE_ASSIGN_OR_RETURN(
        Stmt s, db.Prepare("INSERT INTO cache (resource, change, sequence) "
                           "VALUES (?, ?, ?) ON CONFLICT (resource) DO UPDATE "
                           "SET change = excluded.change"));
    s.Bind(1, change.resource())
        .BindBlob(2, change.SerializeAsString())
        .Bind(3, change.sequence());
    return s.Run();
  }

  // The server accepted `m` (or had applied it before), answering with
  // `response` (the resource as it now is; may be null): `m` leaves the
  // outbox, and later changes of the same resource made on the same
  // version are moved onto the new one. One transaction.
  absl::Status AcceptLocked(const v1::OutboxMutation& m,
                            const google::protobuf::Message* response)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    OFFLINE_ASSIGN_OR_RETURN(Tx tx, Tx::Begin(db));
    {
      OFFLINE_ASSIGN_OR_RETURN(Stmt del,
                               db.Prepare("DELETE FROM outbox WHERE id = ?"));
      del.Bind(1, m.id());
      OFFLINE_RETURN_IF_ERROR(del.Run());
    }
    if (response != nullptr) {
      const internal::Target now = internal::NameAndEtag(*response);
      if (!m.base_etag().empty() && !now.etag.empty() &&
          now.resource == m.resource()) {
        OFFLINE_RETURN_IF_ERROR(Rebase(m, now.etag));
      }
      OFFLINE_RETURN_IF_ERROR(CacheLocked(*response));
    }
    return tx.Commit();
  }

  // Later changes of m's resource made on the version m was made on now
  // apply to the version m produced.
  absl::Status Rebase(const v1::OutboxMutation& m, const std::string& etag)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    OFFLINE_ASSIGN_OR_RETURN(
        Stmt u, db.Prepare("UPDATE outbox SET base_etag = ?, rebased = 1 "
                           "WHERE resource = ? AND base_etag = ? AND id > ?"));
    u.Bind(1, etag)
        .Bind(2, m.resource())
        .Bind(3, m.base_etag())
        .Bind(4, m.id());
    return u.Run();
  }

  absl::Status ConflictLocked(v1::OutboxMutation m, const absl::Status& refusal,
                              const std::optional<v1::Change>& server_version)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    v1::OutboxConflict c;
    m.set_attempts(m.attempts() + 1);
    m.set_last_error(Describe(refusal));
    c.set_code(static_cast<int32_t>(refusal.code()));
    c.set_reason(ErrorReason(refusal));
    c.set_message(std::string(refusal.message()));
    if (server_version) *c.mutable_server_version() = *server_version;
    OFFLINE_ASSIGN_OR_RETURN(std::optional<v1::Change> local,
                             CachedLocked(m.resource()));
    if (local) *c.mutable_local_version() = *local;
    *c.mutable_mutation() = m;

    OFFLINE_ASSIGN_OR_RETURN(Tx tx, Tx::Begin(db));
    {
      OFFLINE_ASSIGN_OR_RETURN(
          Stmt s,
          db.Prepare("INSERT OR REPLACE INTO conflicts (mutation_id, mutation, "
                     "code, reason, message, server_version, local_version) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)"));
      s.Bind(1, m.id())
          .BindBlob(2, m.SerializeAsString())
          .Bind(3, static_cast<int64_t>(c.code()))
          .Bind(4, c.reason())
          .Bind(5, c.message())
          .BindBlob(6, c.has_server_version()
                           ? c.server_version().SerializeAsString()
                           : "")
          .BindBlob(7, c.has_local_version()
                           ? c.local_version().SerializeAsString()
                           : "");
      OFFLINE_RETURN_IF_ERROR(s.Run());
    }
    {
      OFFLINE_ASSIGN_OR_RETURN(Stmt del,
                               db.Prepare("DELETE FROM outbox WHERE id = ?"));
      del.Bind(1, m.id());
      OFFLINE_RETURN_IF_ERROR(del.Run());
    }
    return tx.Commit();
  }

  absl::Status RecordFailureLocked(const v1::OutboxMutation& m,
                                   const absl::Status& error)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    OFFLINE_ASSIGN_OR_RETURN(
        Stmt s, db.Prepare("UPDATE outbox SET attempts = attempts + 1, "
                           "last_error = ? WHERE id = ?"));
    s.Bind(1, Describe(error)).Bind(2, m.id());
    return s.Run();
  }

  absl::StatusOr<int64_t> CountLocked(const char* sql)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    OFFLINE_ASSIGN_OR_RETURN(Stmt s, db.Prepare(sql));
    OFFLINE_ASSIGN_OR_RETURN(bool row, s.Step());
    return row ? s.Int(0) : 0;
  }
};

OfflineStore::OfflineStore(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

OfflineStore::~OfflineStore() = default;

absl::StatusOr<std::unique_ptr<OfflineStore>> OfflineStore::Open(
    const std::string& path) {
  OFFLINE_ASSIGN_OR_RETURN(OfflineDb db, OfflineDb::Open(path));
  // WAL keeps readers (the app's UI reading the cache) off the writer's
  // back; FULL makes every commit durable before it returns (an Enqueue
  // survives a power cut, not only a killed process).
  OFFLINE_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  OFFLINE_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  {
    OFFLINE_ASSIGN_OR_RETURN(Tx tx, Tx::Begin(db));
    OFFLINE_ASSIGN_OR_RETURN(Stmt app, db.Prepare("PRAGMA application_id"));
    OFFLINE_ASSIGN_OR_RETURN(bool row, app.Step());
    const int64_t id = row ? app.Int(0) : 0;
    if (id == 0) {
      OFFLINE_ASSIGN_OR_RETURN(
          Stmt tables, db.Prepare("SELECT count(*) FROM sqlite_master"));
      OFFLINE_ASSIGN_OR_RETURN(bool trow, tables.Step());
      if (trow && tables.Int(0) != 0) {
        return absl::FailedPreconditionError(
            "offline store: the file is a database of something else");
      }
      OFFLINE_RETURN_IF_ERROR(db.Exec(kSchema));
      OFFLINE_RETURN_IF_ERROR(
          db.Exec(absl::StrCat("PRAGMA application_id = ", kApplicationId,
                               "; PRAGMA user_version = ", kSchemaVersion)
                      .c_str()));
    } else if (id != kApplicationId) {
      return absl::FailedPreconditionError(
          "offline store: the file is a database of something else");
    } else {
      OFFLINE_ASSIGN_OR_RETURN(Stmt v, db.Prepare("PRAGMA user_version"));
      OFFLINE_ASSIGN_OR_RETURN(bool vrow, v.Step());
      if (!vrow || v.Int(0) > kSchemaVersion) {
        return absl::FailedPreconditionError(
            "offline store: written by a newer version of the library");
      }
    }
    OFFLINE_RETURN_IF_ERROR(tx.Commit());
  }
  return std::unique_ptr<OfflineStore>(
      new OfflineStore(std::make_unique<Impl>(std::move(db))));
}

// ---- the cache ----

absl::StatusOr<v1::SyncReport> OfflineStore::Sync(const Client& client) {
  absl::MutexLock lock(&impl_->mu);
  OfflineDb& db = impl_->db;
  OFFLINE_ASSIGN_OR_RETURN(
      std::string token, [&]() -> absl::StatusOr<std::string> {
        OFFLINE_ASSIGN_OR_RETURN(
            Stmt s,
            db.Prepare("SELECT value FROM meta WHERE key = 'sync_token'"));
        OFFLINE_ASSIGN_OR_RETURN(bool row, s.Step());
        return row ? s.Text(0) : std::string();
      }());
  v1::SyncReport report;
  report.set_sync_token(token);
  for (;;) {
    v1::ListChangesRequest request;
    request.set_sync_token(token);
    request.set_page_size(kSyncPageSize);
    OFFLINE_ASSIGN_OR_RETURN(v1::ListChangesResponse page,
                             client.ListChanges(request));
    // A page and the token after it commit together: an interrupted sync
    // resumes after the last page applied, never skips or half-applies one.
    OFFLINE_ASSIGN_OR_RETURN(Tx tx, Tx::Begin(db));
    OFFLINE_ASSIGN_OR_RETURN(
        Stmt upsert,
        db.Prepare("INSERT OR REPLACE INTO cache (resource, change, sequence) "
                   "VALUES (?, ?, ?)"));
    OFFLINE_ASSIGN_OR_RETURN(
        Stmt remove, db.Prepare("DELETE FROM cache WHERE resource = ?"));
    int removed = 0;
    for (const v1::Change& c : page.changes()) {
      if (c.kind() == v1::CHANGE_KIND_DELETE) {
        remove.Bind(1, c.resource());
        OFFLINE_RETURN_IF_ERROR(remove.Run());
        ++removed;
      } else {
        upsert.Bind(1, c.resource())
            .BindBlob(2, c.SerializeAsString())
            .Bind(3, c.sequence());
        OFFLINE_RETURN_IF_ERROR(upsert.Run());
      }
    }
    OFFLINE_ASSIGN_OR_RETURN(
        Stmt save, db.Prepare("INSERT OR REPLACE INTO meta (key, value) "
                              "VALUES ('sync_token', ?)"));
    save.Bind(1, page.next_sync_token());
    OFFLINE_RETURN_IF_ERROR(save.Run());
    OFFLINE_RETURN_IF_ERROR(tx.Commit());
    token = page.next_sync_token();
    report.set_changes(report.changes() + page.changes_size());
    report.set_removed(report.removed() + removed);
    report.set_sync_token(token);
    // A page may be empty and still have more (changes the caller may not
    // see were skipped): go on while the server says so.
    if (!page.has_more()) break;
  }
  return report;
}

absl::StatusOr<std::optional<v1::Change>> OfflineStore::Get(
    absl::string_view resource) {
  absl::MutexLock lock(&impl_->mu);
  return impl_->CachedLocked(resource);
}

absl::StatusOr<std::vector<v1::Change>> OfflineStore::List(
    absl::string_view prefix) {
  absl::MutexLock lock(&impl_->mu);
  // substr on a blob counts bytes, so any prefix matches exactly (LIKE and
  // GLOB would treat % _ * ? as wildcards).
  OFFLINE_ASSIGN_OR_RETURN(
      Stmt s, impl_->db.Prepare("SELECT change FROM cache WHERE "
                                "substr(CAST(resource AS BLOB), 1, ?) = ? "
                                "ORDER BY resource"));
  s.Bind(1, static_cast<int64_t>(prefix.size())).BindBlob(2, prefix);
  std::vector<v1::Change> out;
  for (;;) {
    OFFLINE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    v1::Change c;
    if (!c.ParseFromString(s.Blob(0))) {
      return absl::DataLossError("offline store: a cached change is corrupt");
    }
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<std::string> OfflineStore::SyncToken() {
  absl::MutexLock lock(&impl_->mu);
  OFFLINE_ASSIGN_OR_RETURN(
      Stmt s,
      impl_->db.Prepare("SELECT value FROM meta WHERE key = 'sync_token'"));
  OFFLINE_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Text(0) : std::string();
}

// ---- the outbox ----

absl::StatusOr<v1::OutboxMutation> OfflineStore::Enqueue(
    v1::OutboxMutation mutation) {
  OFFLINE_ASSIGN_OR_RETURN(const google::protobuf::MethodDescriptor* method,
                           internal::FindUnaryMethod(mutation.method()));
  std::unique_ptr<google::protobuf::Message> request =
      internal::NewMessage(method->input_type());
  if (!request->ParseFromString(mutation.request())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the request does not parse as ", method->input_type()->full_name()));
  }
  // The id goes into the stored bytes, so every attempt (in this process or
  // after a restart) sends the same one.
  mutation.set_request_id(
      internal::FillRequestId(*request, mutation.request_id()));
  const internal::Target target = internal::TargetOf(*request);
  if (mutation.resource().empty()) mutation.set_resource(target.resource);
  if (mutation.base_etag().empty()) mutation.set_base_etag(target.etag);
  mutation.set_request(request->SerializeAsString());
  const absl::Time now = absl::Now();
  *mutation.mutable_enqueue_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(now));
  mutation.set_attempts(0);
  mutation.clear_last_error();

  absl::MutexLock lock(&impl_->mu);
  OfflineDb& db = impl_->db;
  OFFLINE_ASSIGN_OR_RETURN(
      Stmt s,
      db.Prepare("INSERT INTO outbox (method, request, resource, base_etag, "
                 "request_id, enqueue_time) VALUES (?, ?, ?, ?, ?, ?)"));
  s.Bind(1, mutation.method())
      .BindBlob(2, mutation.request())
      .Bind(3, mutation.resource())
      .Bind(4, mutation.base_etag())
      .Bind(5, mutation.request_id())
      .Bind(6, absl::ToUnixMicros(now));
  // Autocommit with synchronous=FULL: on disk when this returns.
  OFFLINE_RETURN_IF_ERROR(s.Run());
  mutation.set_id(db.LastInsertId());
  return mutation;
}

absl::StatusOr<std::vector<v1::OutboxMutation>> OfflineStore::Pending() {
  absl::MutexLock lock(&impl_->mu);
  OFFLINE_ASSIGN_OR_RETURN(
      Stmt s, impl_->db.Prepare(absl::StrCat("SELECT ", kMutationColumns,
                                             " FROM outbox ORDER BY id")
                                    .c_str()));
  std::vector<v1::OutboxMutation> out;
  for (;;) {
    OFFLINE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(MutationFrom(s));
  }
  return out;
}

absl::StatusOr<v1::ReplayReport> OfflineStore::Replay(const Client& client) {
  absl::MutexLock lock(&impl_->mu);
  Impl& impl = *impl_;
  // What Replay commits (a change leaving the outbox, a rebase, a conflict)
  // need not wait for fsync: WAL with synchronous=NORMAL survives a killed
  // process and loses at most the last commits on a power cut, and losing
  // them only means sending those changes again, which is safe (a create
  // carries its request_id, an applied update is recognised). It saves an
  // fsync per change sent; Enqueue keeps FULL.
  OFFLINE_RETURN_IF_ERROR(impl.db.Exec("PRAGMA synchronous = NORMAL"));
  struct RestoreFull {
    OfflineDb& db;
    ~RestoreFull() { db.Exec("PRAGMA synchronous = FULL").IgnoreError(); }
  } restore{impl.db};
  v1::ReplayReport report;
  int64_t last = 0;
  for (;;) {
    OFFLINE_ASSIGN_OR_RETURN(std::optional<v1::OutboxMutation> next,
                             impl.NextAfter(last));
    if (!next) break;
    last = next->id();
    OFFLINE_ASSIGN_OR_RETURN(const google::protobuf::MethodDescriptor* method,
                             internal::FindUnaryMethod(next->method()));
    // The server took it: it leaves the outbox with the server's answer.
    auto accept = [&](const std::string& answer) -> absl::Status {
      std::unique_ptr<google::protobuf::Message> response =
          internal::NewMessage(method->output_type());
      const bool parsed = response->ParseFromString(answer);
      OFFLINE_RETURN_IF_ERROR(
          impl.AcceptLocked(*next, parsed ? response.get() : nullptr));
      report.set_applied(report.applied() + 1);
      return absl::OkStatus();
    };
    absl::StatusOr<std::string> answer =
        client.CallRaw(next->method(), next->request());
    if (answer.ok()) {
      OFFLINE_RETURN_IF_ERROR(accept(*answer));
      continue;
    }
    const absl::Status refusal = answer.status();
    if (!IsFinal(refusal.code())) {
      OFFLINE_RETURN_IF_ERROR(impl.RecordFailureLocked(*next, refusal));
      report.set_stopped_because(Describe(refusal));
      break;
    }
    // Refused for good: what does the server hold now?
    std::optional<v1::Change> server_version;
    std::unique_ptr<google::protobuf::Message> current;
    if (std::optional<internal::GetCall> get =
            internal::GetCallFor(next->resource())) {
      absl::StatusOr<std::string> got =
          client.CallRaw(get->method, get->request);
      if (got.ok()) {
        OFFLINE_ASSIGN_OR_RETURN(
            const google::protobuf::MethodDescriptor* get_method,
            internal::FindUnaryMethod(get->method));
        current = internal::NewMessage(get_method->output_type());
        if (current->ParseFromString(*got)) {
          v1::Change change;
          if (internal::WrapInChange(*current, &change)) {
            server_version = std::move(change);
          }
        } else {
          current.reset();
        }
      } else if (!IsFinal(got.status().code())) {
        // Cannot tell an applied update from a conflict now: keep it.
        OFFLINE_RETURN_IF_ERROR(impl.RecordFailureLocked(*next, got.status()));
        report.set_stopped_because(Describe(got.status()));
        break;
      }
    }
    absl::Status final_refusal = refusal;
    if (refusal.code() == absl::StatusCode::kAborted && current != nullptr) {
      std::unique_ptr<google::protobuf::Message> request =
          internal::NewMessage(method->input_type());
      if (request->ParseFromString(next->request()) &&
          internal::AlreadyApplied(*request, *current)) {
        // The update reached the server before (the answer was lost): it
        // counts once, and later changes move onto the version it made.
        OFFLINE_RETURN_IF_ERROR(impl.AcceptLocked(*next, current.get()));
        report.set_applied(report.applied() + 1);
        continue;
      }
      // Made on the version this device had synced, and nobody changed the
      // fields it changes since: a field-level merge, sent once more on the
      // server's version (what others changed stays).
      OFFLINE_ASSIGN_OR_RETURN(std::optional<v1::Change> local,
                               impl.CachedLocked(next->resource()));
      const google::protobuf::Message* base =
          local ? internal::ResourceOf(*local) : nullptr;
      if (base != nullptr &&
          internal::NameAndEtag(*base).etag == next->base_etag() &&
          internal::MaskedFieldsUnchanged(*request, *base, *current) &&
          internal::SetEtag(*request, next->resource(),
                            internal::NameAndEtag(*current).etag)) {
        absl::StatusOr<std::string> merged =
            client.CallRaw(next->method(), request->SerializeAsString());
        if (merged.ok()) {
          OFFLINE_RETURN_IF_ERROR(accept(*merged));
          continue;
        }
        if (!IsFinal(merged.status().code())) {
          OFFLINE_RETURN_IF_ERROR(
              impl.RecordFailureLocked(*next, merged.status()));
          report.set_stopped_because(Describe(merged.status()));
          break;
        }
        final_refusal = merged.status();
      }
    }
    OFFLINE_RETURN_IF_ERROR(
        impl.ConflictLocked(*next, final_refusal, server_version));
    report.set_conflicts(report.conflicts() + 1);
  }
  OFFLINE_ASSIGN_OR_RETURN(int64_t remaining,
                           impl.CountLocked("SELECT count(*) FROM outbox"));
  report.set_remaining(static_cast<int32_t>(remaining));
  return report;
}

// ---- conflicts ----

absl::StatusOr<std::vector<v1::OutboxConflict>> OfflineStore::Conflicts() {
  absl::MutexLock lock(&impl_->mu);
  OFFLINE_ASSIGN_OR_RETURN(
      Stmt s, impl_->db.Prepare(
                  "SELECT mutation, code, reason, message, server_version, "
                  "local_version FROM conflicts ORDER BY mutation_id"));
  std::vector<v1::OutboxConflict> out;
  for (;;) {
    OFFLINE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    v1::OutboxConflict c;
    bool ok = c.mutable_mutation()->ParseFromString(s.Blob(0));
    c.set_code(static_cast<int32_t>(s.Int(1)));
    c.set_reason(s.Text(2));
    c.set_message(s.Text(3));
    const std::string server = s.Blob(4);
    const std::string local = s.Blob(5);
    if (!server.empty()) {
      ok = ok && c.mutable_server_version()->ParseFromString(server);
    }
    if (!local.empty()) {
      ok = ok && c.mutable_local_version()->ParseFromString(local);
    }
    if (!ok) {
      return absl::DataLossError("offline store: a conflict is corrupt");
    }
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status OfflineStore::DropConflict(int64_t mutation_id) {
  absl::MutexLock lock(&impl_->mu);
  OFFLINE_ASSIGN_OR_RETURN(
      Stmt s, impl_->db.Prepare("DELETE FROM conflicts WHERE mutation_id = ?"));
  s.Bind(1, mutation_id);
  OFFLINE_RETURN_IF_ERROR(s.Run());
  if (impl_->db.Changes() == 0) {
    return absl::NotFoundError(
        absl::StrCat("no conflict of mutation ", mutation_id));
  }
  return absl::OkStatus();
}

}  // namespace pumpurs::client
