# Writes OUTPUT, the package's changelog in Debian's format (what dpkg and
# lintian read as /usr/share/doc/swarmform/changelog.gz of a native package):
# one entry for VERSION whose text is CHANGELOG.md, every line indented, by
# MAINTAINER, dated by the commit the tree is at (reproducible: the same
# commit gives the same file), or by $SOURCE_DATE_EPOCH, or by 1970 outside git.
#   cmake -DCHANGELOG=... -DSOURCE_DIR=... -DVERSION=... -DMAINTAINER=... -DOUTPUT=... -P cmake/DebianChangelog.cmake
file(READ "${CHANGELOG}" text)
string(REGEX REPLACE "\n+$" "" text "${text}")
string(REGEX REPLACE "\n([^\n])" "\n  \\1" text "${text}")

set(date "Thu, 01 Jan 1970 00:00:00 +0000")
find_program(GIT_EXECUTABLE git)
if(DEFINED ENV{SOURCE_DATE_EPOCH})
  execute_process(COMMAND env LC_ALL=C date -u -R -d "@$ENV{SOURCE_DATE_EPOCH}"
                  OUTPUT_VARIABLE date OUTPUT_STRIP_TRAILING_WHITESPACE)
elseif(GIT_EXECUTABLE)
  execute_process(COMMAND env LC_ALL=C ${GIT_EXECUTABLE} -C ${SOURCE_DIR} log -1 --format=%cd
                          "--date=format:%a, %d %b %Y %H:%M:%S %z"
                  OUTPUT_VARIABLE git_date RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND git_date MATCHES "^[A-Z][a-z][a-z], [0-9][0-9] ")
    set(date "${git_date}")
  endif()
endif()

file(WRITE "${OUTPUT}" "swarmform (${VERSION}) unstable; urgency=medium\n\n  ${text}\n\n -- ${MAINTAINER}  ${date}\n")
