"""OfflineStore: the client library's local cache and outbox (client-lib
offline.h) in a SQLite file, for use without a connection."""

import ctypes
import os

from google.protobuf import message as _message

from pumpurs import _native, _protos
from pumpurs.errors import check


class OfflineStore(_native.Handle):
    """The cache of what was synced, and the outbox of changes made offline.

        with pumpurs.OfflineStore("plans.db") as store:
            store.sync(client)                      # -> SyncReport
            store.list("supportPlans/")             # -> [Change]
            store.enqueue("SupportPlanService.UpdateSupportPlan", request,
                          resource=plan.name, base_etag=plan.etag)
            store.replay(client)                    # -> ReplayReport
            for conflict in store.conflicts(): ...  # -> [OutboxConflict]

    Messages are those of proto/pumpurs/v1/offline.proto and sync.proto.
    One store per file and process. Errors raise pumpurs.PumpursError.
    """

    def __init__(self, path):
        _protos.load_all()
        from pumpurs.v1 import offline_pb2, sync_pb2
        self._offline_pb2 = offline_pb2
        self._sync_pb2 = sync_pb2
        super().__init__()
        handle = _native.OfflineP()
        check(_native.lib().pumpurs_offline_open(
            os.fsencode(path), ctypes.byref(handle)))
        self._handle = handle

    _FREE = "pumpurs_offline_free"

    def _live(self):
        if not self._handle:
            raise ValueError("the store is closed")
        return self._handle

    def _bytes(self, fn, *args):
        ptr, size = _native.out_bytes()
        check(fn(self._live(), *args, ctypes.byref(ptr), ctypes.byref(size)))
        return _native.take_bytes(ptr, size)

    def _list(self, fn, *args):
        return self._offline_pb2.OfflineList.FromString(self._bytes(fn, *args))

    # -- the cache --------------------------------------------------------

    def sync(self, client):
        """Pulls the changes since the last sync into the cache; returns a
        pumpurs.v1.SyncReport. Raises (e.g. UNAVAILABLE) when offline."""
        return self._offline_pb2.SyncReport.FromString(
            self._bytes(_native.lib().pumpurs_offline_sync, client.handle))

    def get(self, resource):
        """The cached resource ("supportPlans/...") as its last synced
        pumpurs.v1.Change, or None."""
        found = ctypes.c_int(0)
        ptr, size = _native.out_bytes()
        check(_native.lib().pumpurs_offline_get(
            self._live(), resource.encode("utf-8"), ctypes.byref(found),
            ctypes.byref(ptr), ctypes.byref(size)))
        data = _native.take_bytes(ptr, size)
        if not found.value:
            return None
        return self._sync_pb2.Change.FromString(data)

    def list(self, prefix=""):
        """Cached resources whose name starts with `prefix`, by name."""
        return list(self._list(_native.lib().pumpurs_offline_list,
                               prefix.encode("utf-8")).cached)

    # -- the outbox -------------------------------------------------------

    def enqueue(self, method, request=None, resource="", base_etag="",
                request_id=""):
        """Queues a change to send with replay(); returns the queued
        pumpurs.v1.OutboxMutation (with its id and request_id).

        `method` is a method name as for Client.call, or a whole
        OutboxMutation (then the other arguments are not used); `request`
        the request message (or its bytes); `resource` what it changes;
        `base_etag` the etag of the version it was made on."""
        if isinstance(method, self._offline_pb2.OutboxMutation):
            mutation = method
        else:
            if isinstance(request, _message.Message):
                request = request.SerializeToString()
            mutation = self._offline_pb2.OutboxMutation(
                method=_protos.full_method_name(_protos.find_method(method)),
                request=request or b"", resource=resource,
                base_etag=base_etag, request_id=request_id)
        body = mutation.SerializeToString()
        return self._offline_pb2.OutboxMutation.FromString(
            self._bytes(_native.lib().pumpurs_offline_enqueue, body,
                        len(body)))

    def pending(self):
        """The queued changes, oldest first ([OutboxMutation])."""
        return list(self._list(_native.lib().pumpurs_offline_pending)
                    .mutations)

    def replay(self, client):
        """Sends the outbox in order; returns a pumpurs.v1.ReplayReport."""
        return self._offline_pb2.ReplayReport.FromString(
            self._bytes(_native.lib().pumpurs_offline_replay, client.handle))

    # -- conflicts ----------------------------------------------------------

    def conflicts(self):
        """Changes the server refused, with both versions
        ([OutboxConflict])."""
        return list(self._list(_native.lib().pumpurs_offline_conflicts)
                    .conflicts)

    def drop_conflict(self, mutation_id):
        """Forgets a resolved conflict (NOT_FOUND if there is none)."""
        check(_native.lib().pumpurs_offline_drop_conflict(
            self._live(), int(mutation_id)))
