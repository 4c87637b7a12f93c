#include "reconciler/cli/app.h"
#include "reconciler/util/lsan_suppressions.h"

int main(int argc, char** argv) { return swarmform::cli::run(argc, argv); }

// Sanitizer builds: libgit2 1.5.1's own leaks (lsan_suppressions.h) are not ours.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() { return swarmform::kLibgit2LeakSuppressions; }
