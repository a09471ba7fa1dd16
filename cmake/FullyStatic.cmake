# A fully static linter (glibc included) for the release: one file that runs on any x86-64 Linux,
# whatever its C library (docs/release.md). Off by default: the everyday build links glibc
# dynamically (see cli/CMakeLists.txt) and needs none of the checks below.
#
#   PGSAFE_FULLY_STATIC=ON   pgsafe itself is linked with -static.
#
# Whether this build can link one at all is worked out either way, because the test suite links a
# second, static copy of the linter from the same objects (tests/CMakeLists.txt) and checks it:
# - GCC (pgsafe's compiler for releases) and no sanitizer (ASan and UBSan have no static runtime);
# - every library the linter links has a static archive: libpg_query.a, libprotobuf.a (with
#   PGSAFE_STATIC_PROTOBUF) and libz.a; libstdc++, libgcc and glibc come with GCC and libc6-dev.
#
# What glibc cannot do from a static executable: NSS (users, groups, hosts: getpwnam, getaddrinfo,
# ...) and iconv load modules of the glibc version that linked the program with dlopen(), and
# those fail or misbehave on another system. The linter never needs them: it reads files, execs
# git and pgsafe-apply, and never resolves a user or a host name (connection strings are
# pgsafe-apply's, which stays dynamic). The linker warns when code calls such a function directly;
# this link makes every linker warning an error, so a future call fails the build instead of
# slipping into the release. What the static linter does contain of them (a link map shows it),
# all unreachable from pgsafe:
# - getpwnam_r, getpwuid_r and getlogin_r: glibc's glob(), which migration_set.cpp calls for
#   quoted patterns (`pgsafe lint 'migrations/*.sql'`), uses them only to expand ~user with
#   GLOB_TILDE; pgsafe passes no flags (tests/package_test.sh lints a pattern with the static one);
# - iconv_open and dlopen: libstdc++'s support for named locales; pgsafe uses only the "C" locale
#   (it never calls setlocale or constructs std::locale from a name).

option(PGSAFE_FULLY_STATIC "Link pgsafe, the linter, fully statically (glibc too): the release build" OFF)

set(PGSAFE_FULLY_STATIC_PROBLEMS "")
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND PGSAFE_FULLY_STATIC_PROBLEMS "the compiler is ${CMAKE_CXX_COMPILER_ID}, not GCC")
endif()
if(PGSAFE_SANITIZE)
  list(APPEND PGSAFE_FULLY_STATIC_PROBLEMS "PGSAFE_SANITIZE is on (the sanitizers have no static runtime)")
endif()
if(NOT PG_QUERY_LIBRARY MATCHES "\\.a$")
  list(APPEND PGSAFE_FULLY_STATIC_PROBLEMS "libpg_query is a shared library (${PG_QUERY_LIBRARY})")
endif()
if(NOT PGSAFE_STATIC_PROTOBUF OR NOT PGSAFE_PROTOBUF_STATIC_LIBRARY)
  list(APPEND PGSAFE_FULLY_STATIC_PROBLEMS "libprotobuf.a is not used (libprotobuf-dev, PGSAFE_STATIC_PROTOBUF=ON)")
endif()
if(PGSAFE_PROTOBUF_STATIC_LIBRARY AND NOT ZLIB_LIBRARIES MATCHES "\\.a$")
  list(APPEND PGSAFE_FULLY_STATIC_PROBLEMS "libz.a was not found (zlib1g-dev)")
endif()

if(PGSAFE_FULLY_STATIC_PROBLEMS)
  set(PGSAFE_CAN_LINK_FULLY_STATIC FALSE)
  if(PGSAFE_FULLY_STATIC)
    list(JOIN PGSAFE_FULLY_STATIC_PROBLEMS "; " _why)
    message(FATAL_ERROR "PGSAFE_FULLY_STATIC=ON, but this build cannot link pgsafe statically: ${_why}")
  endif()
else()
  set(PGSAFE_CAN_LINK_FULLY_STATIC TRUE)
endif()

# Links target (an executable made of the linter's objects) with -static, and fails the link when
# glibc warns that a function it calls needs glibc's shared modules at run time (NSS, iconv,
# dlopen): the linker prints such warnings without failing, and a release would carry the call.
function(pgsafe_link_fully_static target)
  target_link_options(${target} PRIVATE -static -Wl,--fatal-warnings)
endfunction()
