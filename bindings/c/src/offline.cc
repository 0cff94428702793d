// pumpurs_offline: a pumpurs::client::OfflineStore behind a C handle.
// Lists cross as a serialized pumpurs.v1.OfflineList.

#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bindings/c/src/internal.h"
#include "pumpurs/v1/offline.pb.h"

using pumpurs::bindings::CopyOut;
using pumpurs::bindings::Guard;
using pumpurs::bindings::NewError;
using pumpurs::bindings::NullArgument;
using pumpurs::bindings::WriteMessage;

namespace {

// The checks every "store + bytes out" entry point starts with.
pumpurs_error* CheckOut(const pumpurs_offline* store, uint8_t** out,
                        size_t* out_size) {
  if (store == nullptr) return NullArgument("store");
  if (out == nullptr) return NullArgument("the result pointer");
  if (out_size == nullptr) return NullArgument("the result size pointer");
  return nullptr;
}

}  // namespace

extern "C" {

pumpurs_error* pumpurs_offline_open(const char* path, pumpurs_offline** store) {
  return Guard([&]() -> pumpurs_error* {
    if (path == nullptr) return NullArgument("path");
    if (store == nullptr) return NullArgument("store");
    absl::StatusOr<std::unique_ptr<pumpurs::client::OfflineStore>> opened =
        pumpurs::client::OfflineStore::Open(path);
    if (!opened.ok()) return NewError(opened.status());
    auto handle = std::make_unique<pumpurs_offline>();
    handle->store = *std::move(opened);
    *store = handle.release();
    return nullptr;
  });
}

void pumpurs_offline_free(pumpurs_offline* store) {
  try {
    delete store;
  } catch (...) {
  }
}

pumpurs_error* pumpurs_offline_sync(pumpurs_offline* store,
                                    pumpurs_client* client, uint8_t** report,
                                    size_t* report_size) {
  return Guard([&]() -> pumpurs_error* {
    if (pumpurs_error* e = CheckOut(store, report, report_size)) return e;
    if (client == nullptr) return NullArgument("client");
    absl::StatusOr<pumpurs::v1::SyncReport> done =
        store->store->Sync(*client->client);
    if (!done.ok()) return NewError(done.status());
    return WriteMessage(*done, report, report_size);
  });
}

pumpurs_error* pumpurs_offline_get(pumpurs_offline* store, const char* resource,
                                   int* found, uint8_t** change,
                                   size_t* change_size) {
  return Guard([&]() -> pumpurs_error* {
    if (pumpurs_error* e = CheckOut(store, change, change_size)) return e;
    if (resource == nullptr) return NullArgument("resource");
    if (found == nullptr) return NullArgument("found");
    absl::StatusOr<std::optional<pumpurs::v1::Change>> got =
        store->store->Get(resource);
    if (!got.ok()) return NewError(got.status());
    if (!got->has_value()) {
      *found = 0;
      *change = nullptr;
      *change_size = 0;
      return nullptr;
    }
    if (pumpurs_error* e = WriteMessage(**got, change, change_size)) return e;
    *found = 1;
    return nullptr;
  });
}

pumpurs_error* pumpurs_offline_list(pumpurs_offline* store, const char* prefix,
                                    uint8_t** list, size_t* list_size) {
  return Guard([&]() -> pumpurs_error* {
    if (pumpurs_error* e = CheckOut(store, list, list_size)) return e;
    absl::StatusOr<std::vector<pumpurs::v1::Change>> got =
        store->store->List(prefix == nullptr ? "" : prefix);
    if (!got.ok()) return NewError(got.status());
    pumpurs::v1::OfflineList out;
    for (pumpurs::v1::Change& change : *got) {
      *out.add_cached() = std::move(change);
    }
    return WriteMessage(out, list, list_size);
  });
}

pumpurs_error* pumpurs_offline_enqueue(pumpurs_offline* store,
                                       const uint8_t* mutation,
                                       size_t mutation_size, uint8_t** queued,
                                       size_t* queued_size) {
  return Guard([&]() -> pumpurs_error* {
    if (pumpurs_error* e = CheckOut(store, queued, queued_size)) return e;
    if (mutation == nullptr && mutation_size != 0) {
      return NullArgument("mutation");
    }
    pumpurs::v1::OutboxMutation parsed;
    if (mutation_size > static_cast<size_t>(INT_MAX) ||
        (mutation != nullptr &&
         !parsed.ParseFromArray(mutation, static_cast<int>(mutation_size)))) {
      return NewError(absl::InvalidArgumentError(
          "mutation is not a serialized pumpurs.v1.OutboxMutation"));
    }
    absl::StatusOr<pumpurs::v1::OutboxMutation> done =
        store->store->Enqueue(std::move(parsed));
    if (!done.ok()) return NewError(done.status());
    return WriteMessage(*done, queued, queued_size);
  });
}

pumpurs_error* pumpurs_offline_pending(pumpurs_offline* store, uint8_t** list,
                                       size_t* list_size) {
  return Guard([&]() -> pumpurs_error* {
    if (pumpurs_error* e = CheckOut(store, list, list_size)) return e;
    absl::StatusOr<std::vector<pumpurs::v1::OutboxMutation>> got =
        store->store->Pending();
    if (!got.ok()) return NewError(got.status());
    pumpurs::v1::OfflineList out;
    for (pumpurs::v1::OutboxMutation& m : *got) {
      *out.add_mutations() = std::move(m);
    }
    return WriteMessage(out, list, list_size);
  });
}

pumpurs_error* pumpurs_offline_replay(pumpurs_offline* store,
                                      pumpurs_client* client, uint8_t** report,
                                      size_t* report_size) {
  return Guard([&]() -> pumpurs_error* {
    if (pumpurs_error* e = CheckOut(store, report, report_size)) return e;
    if (client == nullptr) return NullArgument("client");
    absl::StatusOr<pumpurs::v1::ReplayReport> done =
        store->store->Replay(*client->client);
    if (!done.ok()) return NewError(done.status());
    return WriteMessage(*done, report, report_size);
  });
}

pumpurs_error* pumpurs_offline_conflicts(pumpurs_offline* store, uint8_t** list,
                                         size_t* list_size) {
  return Guard([&]() -> pumpurs_error* {
    if (pumpurs_error* e = CheckOut(store, list, list_size)) return e;
    absl::StatusOr<std::vector<pumpurs::v1::OutboxConflict>> got =
        store->store->Conflicts();
    if (!got.ok()) return NewError(got.status());
    pumpurs::v1::OfflineList out;
    for (pumpurs::v1::OutboxConflict& c : *got) {
      *out.add_conflicts() = std::move(c);
    }
    return WriteMessage(out, list, list_size);
  });
}

pumpurs_error* pumpurs_offline_drop_conflict(pumpurs_offline* store,
                                             int64_t mutation_id) {
  return Guard([&]() -> pumpurs_error* {
    if (store == nullptr) return NullArgument("store");
    absl::Status dropped = store->store->DropConflict(mutation_id);
    if (!dropped.ok()) return NewError(dropped);
    return nullptr;
  });
}

}  // extern "C"
