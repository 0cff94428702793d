#ifndef PUMPURS_CLIENT_OFFLINE_H_
#define PUMPURS_CLIENT_OFFLINE_H_

// Offline use of the client library: a local SQLite file that holds
//  - the cache: the resources the user has synced (SyncService.ListChanges),
//    readable without a connection;
//  - the outbox: changes made while offline, each with its request_id and
//    the etag of the version it was made on, sent in order by Replay() when
//    the connection is back — exactly once: creates carry their request_id
//    (the server answers a repeat with the first result) and an update that
//    had reached the server before the connection broke is recognised as
//    applied;
//  - the conflicts: queued changes the server refused because the resource
//    changed meanwhile (ABORTED) or for another final reason, kept with the
//    server's and the local version for the app to resolve; never silently
//    overwritten. An update whose fields nobody else changed (the etag moved
//    because someone edited other fields) is not a conflict: it is sent
//    once more on the server's version, so both edits stay.
// Every Enqueue is durable (committed with fsync) before it returns, so the
// outbox survives the app being killed; Replay resumes where it stopped.
//
// One OfflineStore per file and process; its methods are thread-safe
// (serialised). Messages are those of proto/pumpurs/v1/offline.proto and
// sync.proto.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pumpurs/client/client.h"
#include "pumpurs/v1/offline.pb.h"
#include "pumpurs/v1/sync.pb.h"

namespace pumpurs::client {

class OfflineStore {
 public:
  // Opens (creating if missing) the store at `path`. Errors: whatever the
  // file system says (as UNAVAILABLE / INTERNAL), FAILED_PRECONDITION for a
  // file that is not a store.
  static absl::StatusOr<std::unique_ptr<OfflineStore>> Open(
      const std::string& path);
  ~OfflineStore();
  OfflineStore(const OfflineStore&) = delete;
  OfflineStore& operator=(const OfflineStore&) = delete;

  // ---- the cache ----

  // Pulls changes since the stored sync token (ListChanges pages while
  // has_more) into the cache: upserts replace, tombstones remove. The token
  // is stored with each page applied, so an interrupted sync resumes.
  // Errors: the call's (UNAVAILABLE when offline); what was applied stays.
  absl::StatusOr<v1::SyncReport> Sync(const Client& client);

  // A cached resource ("supportPlans/x") as its last synced Change; nullopt
  // if not cached.
  absl::StatusOr<std::optional<v1::Change>> Get(absl::string_view resource);

  // Cached resources whose name starts with `prefix` (e.g. "supportPlans/"),
  // by name.
  absl::StatusOr<std::vector<v1::Change>> List(absl::string_view prefix);

  // The stored sync token ("" before the first sync).
  absl::StatusOr<std::string> SyncToken();

  // ---- the outbox ----

  // Queues a change: `mutation.method` (a full gRPC method name) with its
  // serialized `request`, the `resource` it changes and the `base_etag` it
  // was made on. A create's empty request_id is filled in here (and
  // returned in the result), so a retry can never create twice. Returns the
  // queued entry (id, request_id, time). Errors: INVALID_ARGUMENT (unknown
  // method, request that does not parse).
  absl::StatusOr<v1::OutboxMutation> Enqueue(v1::OutboxMutation mutation);

  // Queued changes, oldest first.
  absl::StatusOr<std::vector<v1::OutboxMutation>> Pending();

  // Sends the queued changes in order. Accepted ones leave the outbox; a
  // later change of the same resource made on the version an accepted one
  // produced gets that version's new etag. A refusal that retrying cannot
  // fix (ABORTED, FAILED_PRECONDITION, INVALID_ARGUMENT, NOT_FOUND,
  // PERMISSION_DENIED, ALREADY_EXISTS) moves the change to the conflicts,
  // with the server's current version, and the replay goes on. UNAVAILABLE,
  // DEADLINE_EXCEEDED, UNAUTHENTICATED and the like stop it: the rest stays
  // queued. Errors: only the store's own (never the server's).
  absl::StatusOr<v1::ReplayReport> Replay(const Client& client);

  // ---- conflicts ----

  absl::StatusOr<std::vector<v1::OutboxConflict>> Conflicts();
  // Forgets a conflict (the app resolved it, e.g. by queueing a new change
  // made on the server's version). NOT_FOUND if there is no such id.
  absl::Status DropConflict(int64_t mutation_id);

 private:
  struct Impl;
  explicit OfflineStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pumpurs::client

#endif  // PUMPURS_CLIENT_OFFLINE_H_
