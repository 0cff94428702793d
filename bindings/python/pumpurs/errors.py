"""PumpursError: what a failed call raises."""

import collections

from pumpurs import _native

# One bad field of a rejected request (google.rpc.BadRequest).
FieldViolation = collections.namedtuple("FieldViolation",
                                        ("field", "description"))


class PumpursError(Exception):
    """A call failed.

    code        the gRPC status code (int, e.g. 5)
    code_name   its name, e.g. "NOT_FOUND"
    reason      the machine-readable reason (google.rpc.ErrorInfo), e.g.
                "ETAG_MISMATCH"; "" if none (see docs/API.md)
    message     the server's English message
    violations  [FieldViolation(field, description)] of a rejected request
    """

    def __init__(self, code, code_name, reason="", message="",
                 violations=()):
        super().__init__(code, code_name, reason, message, tuple(violations))
        self.code = code
        self.code_name = code_name
        self.reason = reason
        self.message = message
        self.violations = list(violations)

    def __str__(self):
        text = "%s: %s" % (self.code_name, self.message)
        if self.reason:
            text += " [%s]" % self.reason
        for v in self.violations:
            text += "\n  %s: %s" % (v.field, v.description)
        return text


def _text(b):
    return (b or b"").decode("utf-8", "replace")


def from_native(error):
    """The PumpursError of a pumpurs_error* (which stays the caller's)."""
    lib = _native.lib()
    violations = [
        FieldViolation(
            _text(lib.pumpurs_error_violation_field(error, i)),
            _text(lib.pumpurs_error_violation_description(error, i)))
        for i in range(lib.pumpurs_error_violation_count(error))
    ]
    return PumpursError(lib.pumpurs_error_code(error),
                        _text(lib.pumpurs_error_code_name(error)),
                        _text(lib.pumpurs_error_reason(error)),
                        _text(lib.pumpurs_error_message(error)),
                        violations)


def check(error):
    """Raises the PumpursError of a returned pumpurs_error* (and frees it);
    does nothing for NULL."""
    if not error:
        return
    try:
        raise from_native(error)
    finally:
        _native.lib().pumpurs_error_free(error)
