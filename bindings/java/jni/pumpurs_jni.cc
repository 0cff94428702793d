// JNI glue of the Java binding (lv.pumpurs.client.Native) over the C ABI
// (bindings/c/include/pumpurs.h): byte[] in, byte[] out, and every
// pumpurs_error* becomes a thrown lv.pumpurs.client.PumpursException.
//
// Why it looks the way it does:
//  - Strings cross as UTF-8 byte[] both ways, not jstring: JNI's
//    GetStringUTFChars/NewStringUTF use "modified UTF-8", which differs from
//    UTF-8 for characters outside the BMP (and Android's CheckJNI aborts on
//    invalid input). Java does the decoding (PumpursException, Native.utf8).
//  - The natives are registered in JNI_OnLoad (RegisterNatives), which also
//    caches the exception class: on Android FindClass only sees the app's
//    classes from the loading thread's class loader.
//  - Blocking C calls run without holding any JNI critical section; request
//    bytes are copied out of the Java array first.
//  - No C++ exception may reach the JVM: the only throwing operations are
//    std::string/vector allocations, caught in Guard().

#include <jni.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <vector>

#include "pumpurs.h"

namespace {

jclass g_exception_class = nullptr;    // global ref: PumpursException
jmethodID g_exception_ctor = nullptr;  // PumpursException(int, byte[][])
jclass g_byte_array_class = nullptr;   // global ref: byte[]

// Owns a pumpurs_error* (pumpurs_error_free on scope exit).
class ErrorPtr {
 public:
  explicit ErrorPtr(pumpurs_error* e) : e_(e) {}
  ~ErrorPtr() { pumpurs_error_free(e_); }
  ErrorPtr(const ErrorPtr&) = delete;
  ErrorPtr& operator=(const ErrorPtr&) = delete;
  pumpurs_error* get() const { return e_; }
  explicit operator bool() const { return e_ != nullptr; }

 private:
  pumpurs_error* e_;
};

// Owns bytes the library returned (pumpurs_bytes_free on scope exit).
class BytesPtr {
 public:
  BytesPtr() = default;
  ~BytesPtr() { pumpurs_bytes_free(data_); }
  BytesPtr(const BytesPtr&) = delete;
  BytesPtr& operator=(const BytesPtr&) = delete;
  uint8_t** out() { return &data_; }
  size_t* size_out() { return &size_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

void ThrowByName(JNIEnv* env, const char* class_name, const char* message) {
  jclass c = env->FindClass(class_name);
  if (c != nullptr) env->ThrowNew(c, message);
}

// A new byte[] with `size` bytes of `data`; nullptr with a pending
// exception on failure.
jbyteArray NewBytes(JNIEnv* env, const void* data, size_t size) {
  if (size > static_cast<size_t>(std::numeric_limits<jsize>::max())) {
    ThrowByName(env, "java/lang/OutOfMemoryError",
                "response too large for a Java array");
    return nullptr;
  }
  jbyteArray array = env->NewByteArray(static_cast<jsize>(size));
  if (array == nullptr) return nullptr;  // OutOfMemoryError pending
  if (size > 0) {
    env->SetByteArrayRegion(array, 0, static_cast<jsize>(size),
                            static_cast<const jbyte*>(data));
  }
  return array;
}

jbyteArray NewString(JNIEnv* env, const char* s) {
  if (s == nullptr) s = "";
  return NewBytes(env, s, std::strlen(s));
}

// Throws a PumpursException built from `error` (which the caller still
// owns). If building it fails, the JVM's own exception (OutOfMemoryError)
// stays pending instead, which is just as much an exception for the caller.
void ThrowError(JNIEnv* env, const pumpurs_error* error) {
  const size_t violations = pumpurs_error_violation_count(error);
  const size_t count = 3 + 2 * violations;
  if (count > static_cast<size_t>(std::numeric_limits<jsize>::max())) {
    ThrowByName(env, "java/lang/OutOfMemoryError", "too many violations");
    return;
  }
  jobjectArray strings = env->NewObjectArray(static_cast<jsize>(count),
                                             g_byte_array_class, nullptr);
  if (strings == nullptr) return;
  auto put = [&](size_t i, const char* s) {
    jbyteArray b = NewString(env, s);
    if (b == nullptr) return false;
    env->SetObjectArrayElement(strings, static_cast<jsize>(i), b);
    env->DeleteLocalRef(b);
    return !env->ExceptionCheck();
  };
  if (!put(0, pumpurs_error_code_name(error)) ||
      !put(1, pumpurs_error_message(error)) ||
      !put(2, pumpurs_error_reason(error))) {
    return;
  }
  for (size_t i = 0; i < violations; ++i) {
    if (!put(3 + 2 * i, pumpurs_error_violation_field(error, i)) ||
        !put(4 + 2 * i, pumpurs_error_violation_description(error, i))) {
      return;
    }
  }
  auto exception = static_cast<jthrowable>(
      env->NewObject(g_exception_class, g_exception_ctor,
                     static_cast<jint>(pumpurs_error_code(error)), strings));
  if (exception == nullptr) return;
  env->Throw(exception);
}

// The bytes of a Java byte[]; false (with nothing pending) for null.
bool CopyBytes(JNIEnv* env, jbyteArray array, std::string* out) {
  if (array == nullptr) return false;
  const jsize n = env->GetArrayLength(array);
  out->resize(static_cast<size_t>(n));
  if (n > 0) {
    env->GetByteArrayRegion(array, 0, n, reinterpret_cast<jbyte*>(&(*out)[0]));
  }
  return true;
}

// A NUL-terminated string argument: nullptr for a null array. Java has
// already rejected strings containing NUL (Native.utf8).
class CString {
 public:
  CString(JNIEnv* env, jbyteArray array) : null_(!CopyBytes(env, array, &s_)) {}
  const char* get() const { return null_ ? nullptr : s_.c_str(); }

 private:
  std::string s_;
  bool null_;
};

template <typename T>
T* Handle(jlong h) {
  return reinterpret_cast<T*>(static_cast<intptr_t>(h));
}

template <typename T>
jlong ToJava(T* p) {
  return static_cast<jlong>(reinterpret_cast<intptr_t>(p));
}

// Runs `fn`, turning a C++ exception (only std::bad_alloc can occur here)
// into a Java OutOfMemoryError: nothing may unwind into the JVM.
template <typename R, typename Fn>
R Guard(JNIEnv* env, R failed, Fn fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    if (!env->ExceptionCheck()) {
      ThrowByName(env, "java/lang/OutOfMemoryError", e.what());
    }
    return failed;
  }
}

// The common shape: call `fn(BytesPtr&)` returning a pumpurs_error*, and
// return the bytes as a byte[] or throw the error.
template <typename Fn>
jbyteArray BytesOrThrow(JNIEnv* env, Fn fn) {
  BytesPtr bytes;
  ErrorPtr error(fn(bytes));
  if (error) {
    ThrowError(env, error.get());
    return nullptr;
  }
  return NewBytes(env, bytes.data(), bytes.size());
}

// ---- the natives (signatures as in Native.java) ----

jbyteArray Version(JNIEnv* env, jclass) {
  return NewString(env, pumpurs_version());
}

jlong ClientNew(JNIEnv* env, jclass, jbyteArray target, jbyteArray tls_roots,
                jbyteArray cert_pem, jbyteArray key_pem,
                jbyteArray access_token, jbyteArray session, jlong deadline_ms,
                jboolean gzip) {
  return Guard<jlong>(env, 0, [&]() -> jlong {
    pumpurs_options* options = pumpurs_options_new();
    if (options == nullptr) {
      ThrowByName(env, "java/lang/OutOfMemoryError", "pumpurs_options_new");
      return 0;
    }
    CString t(env, target), roots(env, tls_roots), cert(env, cert_pem),
        key(env, key_pem), token(env, access_token);
    if (t.get() != nullptr) pumpurs_options_set_target(options, t.get());
    if (roots.get() != nullptr) {
      pumpurs_options_set_tls_roots(options, roots.get());
    }
    if (cert.get() != nullptr && key.get() != nullptr) {
      pumpurs_options_set_client_certificate(options, cert.get(), key.get());
    }
    if (token.get() != nullptr) {
      pumpurs_options_set_access_token(options, token.get());
    }
    std::string s;
    if (CopyBytes(env, session, &s)) {
      pumpurs_options_set_session(
          options, reinterpret_cast<const uint8_t*>(s.data()), s.size());
    }
    if (deadline_ms > 0) pumpurs_options_set_deadline_ms(options, deadline_ms);
    pumpurs_options_set_gzip(options, gzip ? 1 : 0);
    pumpurs_client* client = nullptr;
    ErrorPtr error(pumpurs_client_new(options, &client));
    pumpurs_options_free(options);
    if (error) {
      ThrowError(env, error.get());
      return 0;
    }
    return ToJava(client);
  });
}

void ClientFree(JNIEnv*, jclass, jlong client) {
  pumpurs_client_free(Handle<pumpurs_client>(client));
}

jbyteArray SignIn(JNIEnv* env, jclass, jlong client, jbyteArray username,
                  jbyteArray password) {
  return Guard<jbyteArray>(env, nullptr, [&] {
    CString u(env, username), p(env, password);
    return BytesOrThrow(env, [&](BytesPtr& out) {
      return pumpurs_client_sign_in(Handle<pumpurs_client>(client), u.get(),
                                    p.get(), out.out(), out.size_out());
    });
  });
}

jbyteArray Session(JNIEnv* env, jclass, jlong client) {
  BytesPtr bytes;
  ErrorPtr error(pumpurs_client_session(Handle<pumpurs_client>(client),
                                        bytes.out(), bytes.size_out()));
  if (error) {
    ThrowError(env, error.get());
    return nullptr;
  }
  if (bytes.data() == nullptr) return nullptr;  // no session
  return NewBytes(env, bytes.data(), bytes.size());
}

jbyteArray Call(JNIEnv* env, jclass, jlong client, jbyteArray method,
                jbyteArray request, jlong deadline_ms) {
  return Guard<jbyteArray>(env, nullptr, [&] {
    CString m(env, method);
    std::string r;
    CopyBytes(env, request, &r);
    return BytesOrThrow(env, [&](BytesPtr& out) {
      return pumpurs_call(Handle<pumpurs_client>(client), m.get(),
                          reinterpret_cast<const uint8_t*>(r.data()), r.size(),
                          deadline_ms, out.out(), out.size_out());
    });
  });
}

jlong OfflineOpen(JNIEnv* env, jclass, jbyteArray path) {
  return Guard<jlong>(env, 0, [&]() -> jlong {
    CString p(env, path);
    pumpurs_offline* store = nullptr;
    ErrorPtr error(pumpurs_offline_open(p.get(), &store));
    if (error) {
      ThrowError(env, error.get());
      return 0;
    }
    return ToJava(store);
  });
}

void OfflineFree(JNIEnv*, jclass, jlong store) {
  pumpurs_offline_free(Handle<pumpurs_offline>(store));
}

jbyteArray OfflineSync(JNIEnv* env, jclass, jlong store, jlong client) {
  return BytesOrThrow(env, [&](BytesPtr& out) {
    return pumpurs_offline_sync(Handle<pumpurs_offline>(store),
                                Handle<pumpurs_client>(client), out.out(),
                                out.size_out());
  });
}

jbyteArray OfflineGet(JNIEnv* env, jclass, jlong store, jbyteArray resource) {
  return Guard<jbyteArray>(env, nullptr, [&]() -> jbyteArray {
    CString r(env, resource);
    int found = 0;
    BytesPtr bytes;
    ErrorPtr error(pumpurs_offline_get(Handle<pumpurs_offline>(store), r.get(),
                                       &found, bytes.out(), bytes.size_out()));
    if (error) {
      ThrowError(env, error.get());
      return nullptr;
    }
    if (!found) return nullptr;
    return NewBytes(env, bytes.data(), bytes.size());
  });
}

jbyteArray OfflineList(JNIEnv* env, jclass, jlong store, jbyteArray prefix) {
  return Guard<jbyteArray>(env, nullptr, [&] {
    CString p(env, prefix);
    return BytesOrThrow(env, [&](BytesPtr& out) {
      return pumpurs_offline_list(Handle<pumpurs_offline>(store), p.get(),
                                  out.out(), out.size_out());
    });
  });
}

jbyteArray OfflineEnqueue(JNIEnv* env, jclass, jlong store,
                          jbyteArray mutation) {
  return Guard<jbyteArray>(env, nullptr, [&] {
    std::string m;
    CopyBytes(env, mutation, &m);
    return BytesOrThrow(env, [&](BytesPtr& out) {
      return pumpurs_offline_enqueue(Handle<pumpurs_offline>(store),
                                     reinterpret_cast<const uint8_t*>(m.data()),
                                     m.size(), out.out(), out.size_out());
    });
  });
}

jbyteArray OfflinePending(JNIEnv* env, jclass, jlong store) {
  return BytesOrThrow(env, [&](BytesPtr& out) {
    return pumpurs_offline_pending(Handle<pumpurs_offline>(store), out.out(),
                                   out.size_out());
  });
}

jbyteArray OfflineReplay(JNIEnv* env, jclass, jlong store, jlong client) {
  return BytesOrThrow(env, [&](BytesPtr& out) {
    return pumpurs_offline_replay(Handle<pumpurs_offline>(store),
                                  Handle<pumpurs_client>(client), out.out(),
                                  out.size_out());
  });
}

jbyteArray OfflineConflicts(JNIEnv* env, jclass, jlong store) {
  return BytesOrThrow(env, [&](BytesPtr& out) {
    return pumpurs_offline_conflicts(Handle<pumpurs_offline>(store), out.out(),
                                     out.size_out());
  });
}

void OfflineDropConflict(JNIEnv* env, jclass, jlong store, jlong mutation_id) {
  ErrorPtr error(pumpurs_offline_drop_conflict(Handle<pumpurs_offline>(store),
                                               mutation_id));
  if (error) ThrowError(env, error.get());
}

// A JNINativeMethod entry (its strings are char* in the JDK's jni.h and
// const char* in Android's).
template <typename Fn>
JNINativeMethod Method(const char* name, const char* signature, Fn* fn) {
  return {const_cast<char*>(name), const_cast<char*>(signature),
          reinterpret_cast<void*>(fn)};
}

jclass GlobalClass(JNIEnv* env, const char* name) {
  jclass local = env->FindClass(name);
  if (local == nullptr) return nullptr;
  auto global = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  return global;
}

}  // namespace

extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6) != JNI_OK) {
    return JNI_ERR;
  }
  g_exception_class = GlobalClass(env, "lv/pumpurs/client/PumpursException");
  g_byte_array_class = GlobalClass(env, "[B");
  if (g_exception_class == nullptr || g_byte_array_class == nullptr) {
    return JNI_ERR;
  }
  g_exception_ctor = env->GetMethodID(g_exception_class, "<init>", "(I[[B)V");
  if (g_exception_ctor == nullptr) return JNI_ERR;
  const JNINativeMethod methods[] = {
      Method("version", "()[B", Version),
      Method("clientNew", "([B[B[B[B[B[BJZ)J", ClientNew),
      Method("clientFree", "(J)V", ClientFree),
      Method("signIn", "(J[B[B)[B", SignIn),
      Method("session", "(J)[B", Session),
      Method("call", "(J[B[BJ)[B", Call),
      Method("offlineOpen", "([B)J", OfflineOpen),
      Method("offlineFree", "(J)V", OfflineFree),
      Method("offlineSync", "(JJ)[B", OfflineSync),
      Method("offlineGet", "(J[B)[B", OfflineGet),
      Method("offlineList", "(J[B)[B", OfflineList),
      Method("offlineEnqueue", "(J[B)[B", OfflineEnqueue),
      Method("offlinePending", "(J)[B", OfflinePending),
      Method("offlineReplay", "(JJ)[B", OfflineReplay),
      Method("offlineConflicts", "(J)[B", OfflineConflicts),
      Method("offlineDropConflict", "(JJ)V", OfflineDropConflict),
  };
  jclass native = env->FindClass("lv/pumpurs/client/Native");
  if (native == nullptr) return JNI_ERR;
  if (env->RegisterNatives(native, methods,
                           sizeof(methods) / sizeof(methods[0])) != 0) {
    return JNI_ERR;
  }
  env->DeleteLocalRef(native);
  return JNI_VERSION_1_6;
}
