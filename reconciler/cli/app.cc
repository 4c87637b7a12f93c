#include "reconciler/cli/app.h"

#include <CLI/CLI.hpp>

namespace swarmform::cli {

int run(int argc, char** argv) {
  CLI::App app{"swarmform: declarative GitOps reconciler for Docker Swarm"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace swarmform::cli
