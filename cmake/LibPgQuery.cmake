# libpg_query with a PostgreSQL 17+ grammar (PostgreSQL 16-18 syntax is everyday migration SQL).
#
# Order of preference:
#   1. a system libpg_query whose grammar is 17 or newer (newer Debian or Ubuntu: libpg-query-dev);
#   2. the Debian package unpacked by scripts/fetch-libpg-query.sh into .deps/libpg-query
#      (Debian 12 ships only libpg_query 15), or PGSAFE_PG_QUERY_ROOT pointing at any such tree.
# The static library is preferred: the linter then needs no libpg_query at run time.
# Sets PG_QUERY_INCLUDE_DIR, PG_QUERY_LIBRARY, PG_QUERY_PROTO, PG_QUERY_MAJOR and
# PGSAFE_GLIBC_COMPAT_SOURCES (symbols a library built against glibc >= 2.38 needs on older ones).

set(PGSAFE_PG_QUERY_ROOT "${PROJECT_SOURCE_DIR}/.deps/libpg-query/usr" CACHE PATH
    "Root (with include/ and lib/) of a libpg_query >= 17 when the system has none")

function(_pgsafe_pg_query_major header out)
  set(major 0)
  if(EXISTS "${header}")
    file(STRINGS "${header}" line REGEX "^#define PG_MAJORVERSION \"[0-9]+\"")
    if(line MATCHES "\"([0-9]+)\"")
      set(major ${CMAKE_MATCH_1})
    endif()
  endif()
  set(${out} ${major} PARENT_SCOPE)
endfunction()

set(_pgq_found FALSE)

# 1. The system's.
find_path(PGSAFE_SYSTEM_PG_QUERY_INCLUDE pg_query.h)
if(PGSAFE_SYSTEM_PG_QUERY_INCLUDE)
  _pgsafe_pg_query_major("${PGSAFE_SYSTEM_PG_QUERY_INCLUDE}/pg_query.h" _sys_major)
  if(_sys_major GREATER_EQUAL 17)
    find_library(PGSAFE_SYSTEM_PG_QUERY_LIBRARY NAMES libpg_query.a pg_query)
    if(PGSAFE_SYSTEM_PG_QUERY_LIBRARY AND EXISTS "${PGSAFE_SYSTEM_PG_QUERY_INCLUDE}/pg_query/pg_query.proto")
      set(PG_QUERY_INCLUDE_DIR "${PGSAFE_SYSTEM_PG_QUERY_INCLUDE}")
      set(PG_QUERY_LIBRARY "${PGSAFE_SYSTEM_PG_QUERY_LIBRARY}")
      set(PG_QUERY_MAJOR ${_sys_major})
      set(_pgq_found TRUE)
      message(STATUS "libpg_query ${_sys_major} (system): ${PG_QUERY_LIBRARY}")
    endif()
  else()
    message(STATUS "System libpg_query has the PostgreSQL ${_sys_major} grammar; pgsafe needs 17 or newer")
  endif()
endif()

# 2. The unpacked Debian package (or any tree given as PGSAFE_PG_QUERY_ROOT).
if(NOT _pgq_found)
  _pgsafe_pg_query_major("${PGSAFE_PG_QUERY_ROOT}/include/pg_query.h" _root_major)
  file(GLOB _root_libs "${PGSAFE_PG_QUERY_ROOT}/lib/libpg_query.a" "${PGSAFE_PG_QUERY_ROOT}/lib/*/libpg_query.a")
  if(_root_major GREATER_EQUAL 17 AND _root_libs)
    list(GET _root_libs 0 PG_QUERY_LIBRARY)
    set(PG_QUERY_INCLUDE_DIR "${PGSAFE_PG_QUERY_ROOT}/include")
    set(PG_QUERY_MAJOR ${_root_major})
    set(_pgq_found TRUE)
    message(STATUS "libpg_query ${_root_major} (${PGSAFE_PG_QUERY_ROOT}): ${PG_QUERY_LIBRARY}")
  endif()
endif()

if(NOT _pgq_found)
  message(FATAL_ERROR
    "pgsafe needs libpg_query with the PostgreSQL 17 or 18 grammar, and none was found.\n"
    "On Debian 12 run scripts/fetch-libpg-query.sh (it unpacks Debian's libpg-query-dev 18 into "
    ".deps/libpg-query without changing the system; scripts/setup.sh does this for you), or install "
    "libpg-query-dev >= 17, or set -DPGSAFE_PG_QUERY_ROOT=<prefix of a libpg_query >= 17>.")
endif()

set(PG_QUERY_PROTO "${PG_QUERY_INCLUDE_DIR}/pg_query/pg_query.proto")
if(NOT EXISTS "${PG_QUERY_PROTO}")
  message(FATAL_ERROR "libpg_query found at ${PG_QUERY_INCLUDE_DIR} has no pg_query/pg_query.proto")
endif()

# A library built on glibc >= 2.38 calls __isoc23_strtoul (C23 strtoul) and strlcpy; older C
# libraries (Debian 12 has glibc 2.36) lack both. Provide them only when the C library does not.
include(CheckSymbolExists)
include(CheckFunctionExists)
check_symbol_exists(strlcpy "string.h" PGSAFE_HAVE_STRLCPY)
check_function_exists(__isoc23_strtoul PGSAFE_HAVE_ISOC23_STRTOUL)
set(PGSAFE_GLIBC_COMPAT_SOURCES "")
if(NOT PGSAFE_HAVE_STRLCPY OR NOT PGSAFE_HAVE_ISOC23_STRTOUL)
  set(PGSAFE_GLIBC_COMPAT_SOURCES "${PROJECT_SOURCE_DIR}/parser/glibc_compat.c")
endif()
