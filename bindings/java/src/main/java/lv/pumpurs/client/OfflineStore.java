package lv.pumpurs.client;

import com.google.protobuf.MessageLite;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import lv.pumpurs.v1.Change;
import lv.pumpurs.v1.OfflineList;
import lv.pumpurs.v1.OutboxConflict;
import lv.pumpurs.v1.OutboxMutation;
import lv.pumpurs.v1.ReplayReport;
import lv.pumpurs.v1.SyncReport;

/**
 * The offline cache and outbox (client-lib offline.h) in a local SQLite file.
 *
 * <ul>
 *   <li>{@link #sync} pulls the changes the user may see into the cache; {@link #get} and {@link
 *       #list} read it with no connection.
 *   <li>{@link #enqueue} stores a change made offline (durably, before it returns: it survives the
 *       app being killed) with the etag it was made on; {@link #replay} sends the outbox in order
 *       when the connection is back, exactly once.
 *   <li>A change the server refuses for good (ABORTED: the resource changed meanwhile; or
 *       FAILED_PRECONDITION, ...) moves to {@link #conflicts}, with the server's and the local
 *       version, never overwriting; the app resolves it and calls {@link #dropConflict}.
 * </ul>
 *
 * <p>One store per file and process. Thread-safe (the library serialises the calls); calls block,
 * so use a background thread. Close it (try-with-resources); close() waits for calls in progress
 * and is idempotent.
 */
public final class OfflineStore implements AutoCloseable {
  private final NativeHandle handle;

  private OfflineStore(long handle) {
    this.handle = new NativeHandle("OfflineStore", handle, Native::offlineFree);
  }

  /**
   * Opens (creating) the store at {@code path}; on Android e.g. {@code new
   * File(context.getNoBackupFilesDir(), "pumpurs-offline.db").getPath()}. Errors:
   * FAILED_PRECONDITION for a file that is not a store; UNAVAILABLE/INTERNAL from the file system.
   */
  public static OfflineStore open(String path) throws PumpursException {
    return new OfflineStore(Native.offlineOpen(Native.utf8(Objects.requireNonNull(path), "path")));
  }

  /** Pulls changes since the last sync into the cache (UNAVAILABLE when offline). */
  public SyncReport sync(PumpursClient client) throws PumpursException {
    long s = handle.acquire();
    try {
      long c = client.acquireHandle();
      try {
        return NativeHandle.parse(SyncReport.parser(), Native.offlineSync(s, c));
      } finally {
        client.releaseHandle();
      }
    } finally {
      handle.release();
    }
  }

  /** A cached resource ("supportPlans/x") as its last synced Change; empty if not cached. */
  public Optional<Change> get(String resource) throws PumpursException {
    byte[] r = Native.utf8(Objects.requireNonNull(resource), "resource");
    long s = handle.acquire();
    byte[] bytes;
    try {
      bytes = Native.offlineGet(s, r);
    } finally {
      handle.release();
    }
    if (bytes == null) return Optional.empty();
    return Optional.of(NativeHandle.parse(Change.parser(), bytes));
  }

  /** Cached resources whose name starts with {@code prefix} (e.g. "supportPlans/"), by name. */
  public List<Change> list(String prefix) throws PumpursException {
    byte[] p = Native.utf8(Objects.requireNonNull(prefix), "prefix");
    long s = handle.acquire();
    try {
      return NativeHandle.parse(OfflineList.parser(), Native.offlineList(s, p)).getCachedList();
    } finally {
      handle.release();
    }
  }

  /**
   * Queues a change: method (see {@link Methods}), the serialized request, the resource it changes
   * and the base_etag it was made on; request_id is filled in for creates. Returns the queued
   * entry (with its id and request_id). Errors: INVALID_ARGUMENT (unknown method, request that
   * does not parse as the method's request).
   */
  public OutboxMutation enqueue(OutboxMutation mutation) throws PumpursException {
    byte[] m = mutation.toByteArray();
    long s = handle.acquire();
    try {
      return NativeHandle.parse(OutboxMutation.parser(), Native.offlineEnqueue(s, m));
    } finally {
      handle.release();
    }
  }

  /** As {@link #enqueue(OutboxMutation)}, built from its parts. */
  public OutboxMutation enqueue(
      String method, MessageLite request, String resource, String baseEtag)
      throws PumpursException {
    return enqueue(
        OutboxMutation.newBuilder()
            .setMethod(method)
            .setRequest(request.toByteString())
            .setResource(resource)
            .setBaseEtag(baseEtag == null ? "" : baseEtag)
            .build());
  }

  /** The outbox, oldest first. */
  public List<OutboxMutation> pending() throws PumpursException {
    long s = handle.acquire();
    try {
      return NativeHandle.parse(OfflineList.parser(), Native.offlinePending(s)).getMutationsList();
    } finally {
      handle.release();
    }
  }

  /**
   * Sends the outbox in order. Accepted changes leave it; final refusals become conflicts; a lost
   * connection stops the replay (see the report's remaining and stopped_because) and the rest
   * stays queued. Throws only for the store's own errors, never for the server's.
   */
  public ReplayReport replay(PumpursClient client) throws PumpursException {
    long s = handle.acquire();
    try {
      long c = client.acquireHandle();
      try {
        return NativeHandle.parse(ReplayReport.parser(), Native.offlineReplay(s, c));
      } finally {
        client.releaseHandle();
      }
    } finally {
      handle.release();
    }
  }

  /** The conflicts, oldest first, each with the server's and the local version. */
  public List<OutboxConflict> conflicts() throws PumpursException {
    long s = handle.acquire();
    try {
      return NativeHandle.parse(OfflineList.parser(), Native.offlineConflicts(s))
          .getConflictsList();
    } finally {
      handle.release();
    }
  }

  /** Forgets a resolved conflict (its mutation's id). NOT_FOUND if there is none. */
  public void dropConflict(long mutationId) throws PumpursException {
    long s = handle.acquire();
    try {
      Native.offlineDropConflict(s, mutationId);
    } finally {
      handle.release();
    }
  }

  /** Closes the file after the calls in progress have returned. Idempotent. */
  @Override
  public void close() {
    handle.close();
  }
}
