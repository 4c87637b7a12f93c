#include "reconciler/render/style.h"

#include <unistd.h>

#include <cstdlib>

namespace swarmform::render {

Style style_for(int fd, bool no_color) {
  const char* env = std::getenv("NO_COLOR");
  bool env_off = env != nullptr && env[0] != '\0';
  return Style{!no_color && !env_off && isatty(fd) == 1};
}

}  // namespace swarmform::render
