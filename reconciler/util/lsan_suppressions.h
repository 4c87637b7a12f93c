#pragma once
// LeakSanitizer suppressions for leaks inside Debian 12's libgit2 1.5.1,
// fixed upstream in later releases, for sanitizer builds of the binary and
// the tests (each defines __lsan_default_suppressions() returning this).
// Each names a frame only libgit2's own internals reach, so a handle
// swarmform forgets to free (git_*_lookup, git_*_new, ...) is still reported.
//  - PCRE2 match data that libgit2's regexp wrapper does not free on every
//    path (libgit2 PR #6382), hit by git_remote_lookup/create via insteadOf.
//  - The known_hosts collection the SSH transport loads on each connect and
//    never frees (libgit2 issue #6598, fixed in 1.7).
// Debian's libgit2 and libssh2 have no frame pointers: with ASan's default
// fast unwinding a stack ends at the first library frame, so only the PCRE2
// module name matches; the SSH entry matches only with
// ASAN_OPTIONS=fast_unwind_on_malloc=0 (the SSH tests disable leak checking
// around the fetch instead: tests/integration/source_git_ssh_test.cc).

namespace swarmform {

inline constexpr const char* kLibgit2LeakSuppressions =
    "leak:libpcre2-8.so\n"
    "leak:pcre2_match_data_create\n"
    "leak:pcre2_match_8\n"
    "leak:git_remote_connect_ext\n";

}  // namespace swarmform
