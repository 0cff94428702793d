"""Checks that libpumpurs.so exports the C ABI and nothing else.

    check_exports.py LIBRARY HEADER

Every dynamic symbol the library defines must start with pumpurs_ (the
statically linked client library, protobuf code and abseil/gRPC template
instances stay local, so they cannot clash with an app's own copies), and
every function pumpurs.h declares must be among them.
"""

import re
import subprocess
import sys


def main(library, header):
    out = subprocess.run(["nm", "-D", "--defined-only", library],
                         check=True, capture_output=True, text=True).stdout
    exported = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            exported.add(parts[2].split("@")[0])
    with open(header) as f:
        declared = set(re.findall(r"\b(pumpurs_\w+)\s*\(", f.read()))
    # Typedefs of function pointers look like declarations too.
    declared.discard("pumpurs_callback")
    foreign = sorted(s for s in exported if not s.startswith("pumpurs_"))
    missing = sorted(declared - exported)
    undeclared = sorted(exported - declared)
    ok = True
    if foreign:
        ok = False
        print("%d exported symbols outside pumpurs_*, e.g.:\n  %s"
              % (len(foreign), "\n  ".join(foreign[:20])))
    if missing:
        ok = False
        print("declared in pumpurs.h but not exported:\n  %s"
              % "\n  ".join(missing))
    if undeclared:
        ok = False
        print("exported but not declared in pumpurs.h:\n  %s"
              % "\n  ".join(undeclared))
    if ok:
        print("%s: %d symbols, all pumpurs_* and all declared"
              % (library, len(exported)))
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
