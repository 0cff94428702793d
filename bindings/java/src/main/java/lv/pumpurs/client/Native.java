package lv.pumpurs.client;

import java.nio.charset.StandardCharsets;

/**
 * The JNI entry points (bindings/java/jni/pumpurs_jni.cc, registered in JNI_OnLoad), one per
 * function of the C ABI (bindings/c/include/pumpurs.h). Handles are the C pointers as longs;
 * strings cross as NUL-free UTF-8 byte arrays (see PumpursException for why not jstring); every
 * failure throws PumpursException.
 */
final class Native {
  private Native() {}

  static {
    // Tests and desktop tools may name the file; Android loads it from the
    // APK's jniLibs by name (libpumpurs_jni.so, which needs libpumpurs.so).
    String path = System.getProperty("pumpurs.jni.library");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("pumpurs_jni");
    }
  }

  /** UTF-8 of a string for the C ABI; null stays null. Rejects NUL, which C would truncate at. */
  static byte[] utf8(String s, String what) {
    if (s == null) return null;
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " contains a NUL character");
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static native byte[] version();

  static native long clientNew(
      byte[] target,
      byte[] tlsRootsPem,
      byte[] clientCertPem,
      byte[] clientKeyPem,
      byte[] accessToken,
      byte[] session,
      long deadlineMillis,
      boolean gzip)
      throws PumpursException;

  static native void clientFree(long client);

  static native byte[] signIn(long client, byte[] username, byte[] password)
      throws PumpursException;

  /** The serialized session, or null if there is none. */
  static native byte[] session(long client) throws PumpursException;

  static native byte[] call(long client, byte[] method, byte[] request, long deadlineMillis)
      throws PumpursException;

  static native long offlineOpen(byte[] path) throws PumpursException;

  static native void offlineFree(long store);

  static native byte[] offlineSync(long store, long client) throws PumpursException;

  /** The serialized Change, or null if the resource is not cached. */
  static native byte[] offlineGet(long store, byte[] resource) throws PumpursException;

  static native byte[] offlineList(long store, byte[] prefix) throws PumpursException;

  static native byte[] offlineEnqueue(long store, byte[] mutation) throws PumpursException;

  static native byte[] offlinePending(long store) throws PumpursException;

  static native byte[] offlineReplay(long store, long client) throws PumpursException;

  static native byte[] offlineConflicts(long store) throws PumpursException;

  static native void offlineDropConflict(long store, long mutationId) throws PumpursException;
}
