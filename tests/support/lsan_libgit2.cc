// LeakSanitizer suppressions for leaks inside libgit2 1.5.1 (Debian 12),
// fixed upstream in later releases.  Each names a frame only libgit2's own
// internals reach, so a handle swarmform forgets to free (allocated in
// git_*_lookup, git_*_new, ...) is still reported.
//  - PCRE2 match data that libgit2's regexp wrapper does not free on every
//    path (libgit2 PR #6382), hit by git_remote_lookup/create via insteadOf.
//  - The known_hosts collection and its path that the SSH transport loads
//    on each connect and never frees (libgit2 issue #6598, fixed in 1.7);
//    libgit2's objects then hold libssh2's too.
// Debian's libgit2 and libssh2 have no frame pointers: with ASan's default
// fast unwinding a stack ends at the first library frame, so only the
// PCRE2 module name matches (no swarmform code uses PCRE2).  The SSH
// connect entry matches only with ASAN_OPTIONS=fast_unwind_on_malloc=0;
// without it the SSH tests report ~400 bytes libgit2 leaks per run.
// Linked into the test binary only; without -fsanitize it is never called.

extern "C" const char* __lsan_default_suppressions();

extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpcre2-8.so\n"
         "leak:pcre2_match_data_create\n"
         "leak:pcre2_match_8\n"
         "leak:git_remote_connect_ext\n";
}
