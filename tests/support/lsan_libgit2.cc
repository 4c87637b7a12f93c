// The test binary's LeakSanitizer suppressions: libgit2 1.5.1's own leaks
// (reconciler/util/lsan_suppressions.h).  Without -fsanitize it is never called.

#include "reconciler/util/lsan_suppressions.h"

extern "C" const char* __lsan_default_suppressions();

extern "C" const char* __lsan_default_suppressions() { return swarmform::kLibgit2LeakSuppressions; }
