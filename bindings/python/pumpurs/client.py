"""Client: a connection to a Pumpurs server, over libpumpurs.so."""

import ctypes

from google.protobuf import message as _message

from pumpurs import _native, _protos
from pumpurs.errors import PumpursError, check


def _encode(text):
    return text.encode("utf-8") if isinstance(text, str) else text


class _Service:
    """client.SupportPlanService: its methods as attributes."""

    def __init__(self, client, descriptor):
        self._client = client
        self._descriptor = descriptor

    def __getattr__(self, name):
        method = self._descriptor.methods_by_name.get(name)
        if method is None:
            raise AttributeError("%s has no method %s"
                                 % (self._descriptor.full_name, name))

        def call(request=None, deadline=None, **fields):
            return self._client.call(method, request, deadline=deadline,
                                     **fields)

        call.__name__ = name
        call.__doc__ = "%s(%s) -> %s" % (
            _protos.full_method_name(method), method.input_type.name,
            method.output_type.name)
        return call

    def __dir__(self):
        return sorted(self._descriptor.methods_by_name)


class Client(_native.Handle):
    """A connection to one Pumpurs server.

        with pumpurs.Client("127.0.0.1:50051") as client:
            client.sign_in("direktors1", "demo-parole-2026")
            plans = client.SupportPlanService.ListSupportPlans(
                institution="institutions/...")
            # or: client.call("SupportPlanService.ListSupportPlans", request)

    target    "host:port"
    token     a fixed bearer token (an API key or an access token)
    session   a signed-in pumpurs.v1.Session (message or bytes): its token
              is sent and renewed; read the renewed one from .session
    deadline  seconds every call may take (default 10)
    tls_roots PEM roots to verify the server with (None: plaintext, for
              loopback only); client_cert/client_key for mutual TLS
    gzip      compress requests

    Calls block; they release the GIL, so threads may share one client.
    Errors raise pumpurs.PumpursError.
    """

    def __init__(self, target, token=None, session=None, deadline=10.0,
                 tls_roots=None, client_cert=None, client_key=None,
                 gzip=False):
        super().__init__()
        lib = _native.lib()
        _protos.load_all()
        options = lib.pumpurs_options_new()
        if not options:
            raise MemoryError("pumpurs_options_new")
        try:
            lib.pumpurs_options_set_target(options, _encode(target))
            if token:
                lib.pumpurs_options_set_access_token(options, _encode(token))
            if session is not None:
                if isinstance(session, _message.Message):
                    session = session.SerializeToString()
                lib.pumpurs_options_set_session(options, session, len(session))
            lib.pumpurs_options_set_deadline_ms(options,
                                                int(round(deadline * 1000)))
            if tls_roots:
                lib.pumpurs_options_set_tls_roots(options, _encode(tls_roots))
            if client_cert or client_key:
                lib.pumpurs_options_set_client_certificate(
                    options, _encode(client_cert or ""),
                    _encode(client_key or ""))
            lib.pumpurs_options_set_gzip(options, 1 if gzip else 0)
            handle = _native.ClientP()
            check(lib.pumpurs_client_new(options, ctypes.byref(handle)))
            self._handle = handle
        finally:
            lib.pumpurs_options_free(options)

    # -- lifetime -----------------------------------------------------------

    _FREE = "pumpurs_client_free"  # close(): the connection goes

    def _live(self):
        handle = self._handle
        if not handle:
            raise ValueError("the client is closed")
        return handle

    @property
    def handle(self):
        """The pumpurs_client* (for OfflineStore)."""
        return self._live()

    # -- calls ----------------------------------------------------------------

    def sign_in(self, username, password):
        """Signs in; later calls use the session (renewed as needed).
        Returns the pumpurs.v1.Session."""
        from pumpurs.v1 import auth_pb2
        ptr, size = _native.out_bytes()
        check(_native.lib().pumpurs_client_sign_in(
            self._live(), _encode(username), _encode(password),
            ctypes.byref(ptr), ctypes.byref(size)))
        return auth_pb2.Session.FromString(_native.take_bytes(ptr, size))

    @property
    def session(self):
        """The current pumpurs.v1.Session (after sign-in or a renewal; store
        it: a refresh token works once), or None."""
        from pumpurs.v1 import auth_pb2
        ptr, size = _native.out_bytes()
        check(_native.lib().pumpurs_client_session(
            self._live(), ctypes.byref(ptr), ctypes.byref(size)))
        if not ptr:
            return None
        return auth_pb2.Session.FromString(_native.take_bytes(ptr, size))

    def call(self, method, request=None, deadline=None, **fields):
        """Calls any unary method and returns its response message.

        method    "SupportPlanService.GetSupportPlan", the full gRPC path
                  "/pumpurs.v1.SupportPlanService/GetSupportPlan", or a
                  method descriptor
        request   the request message (None: made from **fields)
        deadline  seconds for this call (None: the client's)
        """
        if isinstance(method, str):
            method = _protos.find_method(method)
        request_class = _protos.message_class(method.input_type)
        if request is None:
            request = request_class(**fields)
        elif fields:
            raise TypeError("pass a request or fields, not both")
        elif request.DESCRIPTOR.full_name != method.input_type.full_name:
            raise TypeError("%s takes %s, not %s" % (
                method.name, method.input_type.full_name,
                request.DESCRIPTOR.full_name))
        body = request.SerializeToString()
        ptr, size = _native.out_bytes()
        deadline_ms = 0 if deadline is None else max(1, int(deadline * 1000))
        check(_native.lib().pumpurs_call(
            self._live(), _protos.full_method_name(method).encode(), body,
            len(body), deadline_ms, ctypes.byref(ptr), ctypes.byref(size)))
        response_class = _protos.message_class(method.output_type)
        return response_class.FromString(_native.take_bytes(ptr, size))

    def __getattr__(self, name):
        # Only service names: client.SupportPlanService.ListSupportPlans(...)
        if name.startswith("_") or not name.endswith("Service"):
            raise AttributeError(name)
        try:
            return _Service(self, _protos.find_service(name))
        except KeyError:
            raise AttributeError("no service %s" % name) from None


__all__ = ["Client", "PumpursError"]
