/* The one C header of the library, where it lives in the repository (the
 * package is used by path from a checkout). An XCFramework ships its own
 * copy of pumpurs.h in Headers/ instead (README.md). */
#include "../../../c/include/pumpurs.h"
