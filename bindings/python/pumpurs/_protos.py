"""The protobuf side: the generated pumpurs.v1 modules (protoc --python_out,
run by the build into build/python) and method lookup by name."""

import importlib
import pkgutil
import threading

from google.protobuf import descriptor_pool

_lock = threading.Lock()
_loaded = False


def load_all():
    """Imports every generated pumpurs.v1 *_pb2 module once, so the default
    descriptor pool knows every service and message."""
    global _loaded
    with _lock:
        if _loaded:
            return
        try:
            v1 = importlib.import_module("pumpurs.v1")
        except ImportError as e:
            raise ImportError(
                "the generated pumpurs.v1 protobuf modules are not on the "
                "path (build the pumpurs_python_stubs target and add "
                "build/python to PYTHONPATH): %s" % e) from e
        for info in pkgutil.iter_modules(v1.__path__):
            # The *_pb2_grpc modules need grpcio, which this package does not.
            if info.name.endswith("_pb2"):
                importlib.import_module("pumpurs.v1." + info.name)
        _loaded = True


def message_class(descriptor):
    """The generated class of a message descriptor."""
    try:
        from google.protobuf import message_factory
        return message_factory.GetMessageClass(descriptor)  # protobuf >= 4.21
    except AttributeError:
        from google.protobuf import symbol_database
        return symbol_database.Default().GetPrototype(descriptor)


def find_service(name):
    """A service descriptor by "SupportPlanService" or its full name."""
    load_all()
    pool = descriptor_pool.Default()
    full = name if "." in name else "pumpurs.v1." + name
    try:
        return pool.FindServiceByName(full)
    except KeyError:
        raise KeyError("no service %r" % name) from None


def find_method(method):
    """The method descriptor of "/pumpurs.v1.SupportPlanService/GetSupportPlan",
    "SupportPlanService.GetSupportPlan", "SupportPlanService/GetSupportPlan"
    or "pumpurs.v1.SupportPlanService.GetSupportPlan"."""
    name = method.lstrip("/")
    if "/" in name:
        service, _, rpc = name.partition("/")
    else:
        service, _, rpc = name.rpartition(".")
    if not service or not rpc:
        raise ValueError("not a method name: %r" % method)
    found = find_service(service).methods_by_name.get(rpc)
    if found is None:
        raise KeyError("no method %r in %s" % (rpc, service))
    return found


def full_method_name(method_descriptor):
    """The gRPC path of a method, "/pumpurs.v1.S/M"."""
    return "/%s/%s" % (method_descriptor.containing_service.full_name,
                       method_descriptor.name)
