#include "reconciler/cli/app.h"

int main(int argc, char** argv) { return swarmform::cli::run(argc, argv); }
