"""Pumpurs client for Python: a thin layer over the client library's C ABI
(libpumpurs.so, bindings/c) with the protobuf messages of proto/pumpurs/v1.

    import pumpurs
    from pumpurs.v1 import support_plan_pb2

    with pumpurs.Client("127.0.0.1:50051") as client:
        client.sign_in("direktors1", "demo-parole-2026")
        page = client.SupportPlanService.ListSupportPlans(
            support_plan_pb2.ListSupportPlansRequest(institution=...))
        try:
            client.call("SupportPlanService.GetSupportPlan",
                        name="supportPlans/nope")
        except pumpurs.PumpursError as e:
            print(e.code_name, e.reason, e.violations)

See bindings/python/README.md.
"""

import os
import pkgutil

# pumpurs.v1 (the generated *_pb2 modules) lives elsewhere: in build/python
# of a source tree, or copied into this package. Make every `pumpurs`
# directory on sys.path a portion of this package, and fall back to the
# source tree's build/python.
__path__ = pkgutil.extend_path(__path__, __name__)  # noqa: F821


def _add_generated_protos():
    if any(os.path.isdir(os.path.join(p, "v1")) for p in __path__):
        return
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("PUMPURS_PYTHON_PROTOS", ""),
                  os.path.join(here, "..", "..", "..", "build", "python")]
    for root in candidates:
        portion = os.path.join(root, "pumpurs")
        if root and os.path.isdir(os.path.join(portion, "v1")):
            __path__.append(os.path.normpath(portion))
            return


_add_generated_protos()

from pumpurs.errors import FieldViolation, PumpursError  # noqa: E402
from pumpurs.client import Client  # noqa: E402
from pumpurs.offline import OfflineStore  # noqa: E402


def version():
    """The version of libpumpurs.so, e.g. "0.1.0"."""
    from pumpurs import _native
    return _native.lib().pumpurs_version().decode()


__all__ = ["Client", "FieldViolation", "OfflineStore", "PumpursError",
           "version"]
