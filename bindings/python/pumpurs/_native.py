"""Loads libpumpurs.so (the C ABI of bindings/c/include/pumpurs.h) with
ctypes and declares the signatures of its functions.

Where the library is looked for, first found wins:
  1. $PUMPURS_LIBRARY (the file's path);
  2. libpumpurs.so next to this package's files (an installed copy);
  3. build/bindings/c/libpumpurs.so of the source tree this package is in;
  4. the system's library path (ctypes.util.find_library("pumpurs")).
"""

import ctypes
import ctypes.util
import os
import threading

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.normpath(os.path.join(_HERE, "..", "..", ".."))
_NAME = "libpumpurs.so"

_lock = threading.Lock()
_lib = None


def library_candidates():
    """The paths tried, in order (for error messages and tests)."""
    out = []
    env = os.environ.get("PUMPURS_LIBRARY")
    if env:
        out.append(env)
    out.append(os.path.join(_HERE, _NAME))
    out.append(os.path.join(_REPO, "build", "bindings", "c", _NAME))
    return out


class _Error(ctypes.Structure):
    """pumpurs_error (opaque)."""


class _Options(ctypes.Structure):
    """pumpurs_options (opaque)."""


class _Client(ctypes.Structure):
    """pumpurs_client (opaque)."""


class _Offline(ctypes.Structure):
    """pumpurs_offline (opaque)."""


ErrorP = ctypes.POINTER(_Error)
OptionsP = ctypes.POINTER(_Options)
ClientP = ctypes.POINTER(_Client)
OfflineP = ctypes.POINTER(_Offline)
BytesP = ctypes.POINTER(ctypes.c_uint8)

_c = ctypes
_size = ctypes.c_size_t
_out_bytes = (ctypes.POINTER(BytesP), ctypes.POINTER(_size))

# name: (restype, argtypes)
_SIGNATURES = {
    "pumpurs_version": (_c.c_char_p, ()),
    "pumpurs_bytes_free": (None, (BytesP,)),
    "pumpurs_error_code": (_c.c_int, (ErrorP,)),
    "pumpurs_error_code_name": (_c.c_char_p, (ErrorP,)),
    "pumpurs_error_message": (_c.c_char_p, (ErrorP,)),
    "pumpurs_error_reason": (_c.c_char_p, (ErrorP,)),
    "pumpurs_error_violation_count": (_size, (ErrorP,)),
    "pumpurs_error_violation_field": (_c.c_char_p, (ErrorP, _size)),
    "pumpurs_error_violation_description": (_c.c_char_p, (ErrorP, _size)),
    "pumpurs_error_free": (None, (ErrorP,)),
    "pumpurs_options_new": (OptionsP, ()),
    "pumpurs_options_free": (None, (OptionsP,)),
    "pumpurs_options_set_target": (None, (OptionsP, _c.c_char_p)),
    "pumpurs_options_set_tls_roots": (None, (OptionsP, _c.c_char_p)),
    "pumpurs_options_set_client_certificate":
        (None, (OptionsP, _c.c_char_p, _c.c_char_p)),
    "pumpurs_options_set_access_token": (None, (OptionsP, _c.c_char_p)),
    "pumpurs_options_set_session": (None, (OptionsP, _c.c_char_p, _size)),
    "pumpurs_options_set_deadline_ms": (None, (OptionsP, _c.c_int64)),
    "pumpurs_options_set_gzip": (None, (OptionsP, _c.c_int)),
    "pumpurs_client_new":
        (ErrorP, (OptionsP, ctypes.POINTER(ClientP))),
    "pumpurs_client_free": (None, (ClientP,)),
    "pumpurs_client_sign_in":
        (ErrorP, (ClientP, _c.c_char_p, _c.c_char_p) + _out_bytes),
    "pumpurs_client_session": (ErrorP, (ClientP,) + _out_bytes),
    "pumpurs_call":
        (ErrorP, (ClientP, _c.c_char_p, _c.c_char_p, _size, _c.c_int64)
         + _out_bytes),
    "pumpurs_offline_open":
        (ErrorP, (_c.c_char_p, ctypes.POINTER(OfflineP))),
    "pumpurs_offline_free": (None, (OfflineP,)),
    "pumpurs_offline_sync": (ErrorP, (OfflineP, ClientP) + _out_bytes),
    "pumpurs_offline_get":
        (ErrorP, (OfflineP, _c.c_char_p, ctypes.POINTER(_c.c_int))
         + _out_bytes),
    "pumpurs_offline_list": (ErrorP, (OfflineP, _c.c_char_p) + _out_bytes),
    "pumpurs_offline_enqueue":
        (ErrorP, (OfflineP, _c.c_char_p, _size) + _out_bytes),
    "pumpurs_offline_pending": (ErrorP, (OfflineP,) + _out_bytes),
    "pumpurs_offline_replay": (ErrorP, (OfflineP, ClientP) + _out_bytes),
    "pumpurs_offline_conflicts": (ErrorP, (OfflineP,) + _out_bytes),
    "pumpurs_offline_drop_conflict": (ErrorP, (OfflineP, _c.c_int64)),
}


def _load():
    tried = []
    for path in library_candidates():
        if os.path.exists(path):
            return ctypes.CDLL(path)
        tried.append(path)
    found = ctypes.util.find_library("pumpurs")
    if found:
        return ctypes.CDLL(found)
    raise OSError(
        "libpumpurs.so not found (set PUMPURS_LIBRARY, or build the "
        "pumpurs_c target); tried: " + ", ".join(tried))


def lib():
    """The loaded library, with signatures declared (loaded once)."""
    global _lib
    with _lock:
        if _lib is None:
            loaded = _load()
            for name, (restype, argtypes) in _SIGNATURES.items():
                fn = getattr(loaded, name)
                fn.restype = restype
                fn.argtypes = list(argtypes)
            _lib = loaded
        return _lib


def take_bytes(ptr, size):
    """Copies bytes the library returned and frees them."""
    try:
        if not ptr or size.value == 0:
            return b""
        return ctypes.string_at(ptr, size.value)
    finally:
        if ptr:
            lib().pumpurs_bytes_free(ptr)


def out_bytes():
    """A (pointer, size) pair for a function's bytes out-parameters."""
    return BytesP(), _size(0)


class Handle:
    """An owner of one native handle, freed once by close() (also on `with`
    exit and garbage collection). Subclasses set self._handle and name the
    _free function in _FREE."""

    _FREE = None

    def __init__(self):
        self._lock = threading.Lock()
        self._handle = None

    def close(self):
        """Frees the native object. Calls in progress on other threads must
        have returned."""
        with self._lock:
            handle, self._handle = self._handle, None
        if handle:
            getattr(lib(), self._FREE)(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone
            pass
