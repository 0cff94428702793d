package lv.pumpurs.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.Collections;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A C handle shared by several threads. The C ABI requires that no call is in progress when a
 * handle is freed, and a use after free would crash the whole VM, so calls hold the read lock and
 * close() takes the write lock: close() waits for the calls in progress, and a call after close()
 * throws IllegalStateException.
 */
final class NativeHandle {
  interface Free {
    void free(long handle);
  }

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final String what;
  private final Free free;
  private long handle; // guarded by lock; 0 once closed

  NativeHandle(String what, long handle, Free free) {
    this.what = what;
    this.handle = handle;
    this.free = free;
  }

  /** The handle, for one call; pair with release(). */
  long acquire() {
    lock.readLock().lock();
    if (handle == 0) {
      lock.readLock().unlock();
      throw new IllegalStateException(what + " is closed");
    }
    return handle;
  }

  void release() {
    lock.readLock().unlock();
  }

  /** Frees the handle once; later calls are no-ops. */
  void close() {
    lock.writeLock().lock();
    try {
      if (handle != 0) {
        free.free(handle);
        handle = 0;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Parses bytes the library returned; a mismatch is the caller's wrong parser or a bug. */
  static <T extends MessageLite> T parse(Parser<T> parser, byte[] bytes) throws PumpursException {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new PumpursException(
          PumpursException.INTERNAL,
          "INTERNAL",
          "the response does not parse with the given parser: " + e.getMessage(),
          "",
          Collections.<PumpursException.FieldViolation>emptyList(),
          e);
    }
  }
}
