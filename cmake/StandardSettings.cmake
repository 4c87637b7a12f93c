# Warnings and sanitizers as INTERFACE targets, linked PRIVATE into our own
# targets only, so third-party headers and targets are never affected.
add_library(swarmform_warnings INTERFACE)
target_compile_options(swarmform_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(SWARMFORM_WERROR)
  target_compile_options(swarmform_warnings INTERFACE -Werror)
endif()

add_library(swarmform_sanitizers INTERFACE)
if(SWARMFORM_SANITIZE)
  target_compile_options(swarmform_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(swarmform_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# GCC 12 reports false -Wrestrict warnings inside libstdc++'s std::string
# operator+ at -O2/-O3 (GCC bug 105329, fixed in GCC 13).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(swarmform_warnings INTERFACE -Wno-restrict)
endif()

# A unity batch #includes the module's .cc files, so GCC takes them for
# headers and warns that a class of one of them has a member of a type from
# its anonymous namespace (-Wsubobject-linkage).  That warning is about real
# headers, which the one-file-per-unit developer build still checks.
if(SWARMFORM_UNITY AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(swarmform_warnings INTERFACE -Wno-subobject-linkage)
endif()

# Clang (the fuzz build) with GCC 12's libstdc++ reports libstdc++'s own call
# of the deprecated std::get_temporary_buffer inside std::stable_sort (silenced
# in libstdc++ 13).  g++ builds still report deprecated declarations.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(swarmform_warnings INTERFACE -Wno-deprecated-declarations)
endif()

# Release builds (the Debian package, cmake/Packaging.cmake): Debian's hardening
# build flags, as dpkg-buildflags gives them with hardening=+all, which
# lintian checks the packaged binary for (fortified functions, stack
# protector, read-only relocations, immediate binding).  PIE is GCC's default.
target_compile_options(swarmform_warnings INTERFACE
  $<$<CONFIG:Release>:-fstack-protector-strong -Wformat -Werror=format-security>)
target_compile_definitions(swarmform_warnings INTERFACE $<$<CONFIG:Release>:_FORTIFY_SOURCE=2>)
target_link_options(swarmform_warnings INTERFACE $<$<CONFIG:Release>:LINKER:-z,relro,-z,now>)
