# Sanitizer and fuzzing builds (scripts/sanitize.sh drives them; docs/fuzzing.md explains them).
#
#   PGSAFE_SANITIZE=ON  every pgsafe target (libraries, the CLI, the tests) is compiled and linked
#                       with AddressSanitizer and UndefinedBehaviorSanitizer. UBSan does not
#                       recover: the first undefined behaviour aborts the process, so a test or a
#                       fuzz run fails on it instead of printing and carrying on.
#   PGSAFE_FUZZ=ON      (clang only) also adds libFuzzer's coverage instrumentation to the same
#                       code and builds the fuzz targets in fuzz/. One build directory then holds
#                       both the sanitized test binaries and the fuzzers (the instrumentation's
#                       callbacks are weak no-ops in the sanitizer runtime when libFuzzer is not
#                       linked in, so the test binaries need nothing more).
#
# The generated protobuf classes (pgsafe_proto, parser/CMakeLists.txt) are left uninstrumented:
# they are generated code, the largest translation unit by far, and ASan works with uninstrumented
# objects (it still checks every heap access our code makes, and frees their memory with its
# allocator). libpg_query is a prebuilt archive and is uninstrumented either way.

option(PGSAFE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(PGSAFE_FUZZ "Build the libFuzzer targets in fuzz/ (clang; implies PGSAFE_SANITIZE)" OFF)

set(PGSAFE_SANITIZER_FLAGS "")
if(PGSAFE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PGSAFE_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16")
  endif()
  set(PGSAFE_SANITIZE ON CACHE BOOL "" FORCE)
endif()

if(PGSAFE_SANITIZE)
  set(PGSAFE_SANITIZER_FLAGS
      -fsanitize=address,undefined
      -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  set(PGSAFE_SANITIZER_COMPILE_FLAGS ${PGSAFE_SANITIZER_FLAGS})
  if(PGSAFE_FUZZ)
    list(APPEND PGSAFE_SANITIZER_COMPILE_FLAGS -fsanitize=fuzzer-no-link)
  endif()
  # Directory-wide, so every target defined after this (ours, in every subfolder) gets them.
  add_compile_options(${PGSAFE_SANITIZER_COMPILE_FLAGS})
  add_link_options(${PGSAFE_SANITIZER_FLAGS})
  message(STATUS "pgsafe: sanitizers on (${PGSAFE_SANITIZER_COMPILE_FLAGS})")
endif()

# Compile a target without the sanitizers' and the fuzzer's instrumentation (its objects are
# still linked into sanitized programs, which is fine for ASan and UBSan).
function(pgsafe_uninstrumented target)
  if(NOT PGSAFE_SANITIZE OR NOT TARGET ${target})
    return()
  endif()
  get_target_property(opts ${target} COMPILE_OPTIONS)
  if(opts)
    list(REMOVE_ITEM opts ${PGSAFE_SANITIZER_COMPILE_FLAGS})
    set_target_properties(${target} PROPERTIES COMPILE_OPTIONS "${opts}")
  endif()
endfunction()
