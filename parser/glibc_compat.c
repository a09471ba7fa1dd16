/* Two C library functions that a libpg_query built against glibc >= 2.38 calls and that older C
 * libraries (Debian 12: glibc 2.36) do not have. Compiled only when a CMake check finds them
 * missing (cmake/LibPgQuery.cmake). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifndef PGSAFE_HAVE_STRLCPY
/* BSD strlcpy: copy at most size-1 bytes, always NUL-terminate when size > 0, return strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size) {
  size_t len = strlen(src);
  if (size > 0) {
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}
#endif

#ifndef PGSAFE_HAVE_ISOC23_STRTOUL
/* C23 strtoul: as before, but base 0 (and base 2) also accept a 0b/0B prefix. */
unsigned long __isoc23_strtoul(const char *nptr, char **endptr, int base) {
  const char *p = nptr;
  while (isspace((unsigned char)*p)) p++;
  const char *digits = p;
  int negative = 0;
  if (*digits == '+' || *digits == '-') {
    negative = *digits == '-';
    digits++;
  }
  if ((base == 0 || base == 2) && digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B') &&
      (digits[2] == '0' || digits[2] == '1')) {
    const char *q = digits + 2;
    unsigned long value = 0;
    int overflow = 0;
    for (; *q == '0' || *q == '1'; q++) {
      if (value > (ULONG_MAX >> 1)) overflow = 1;
      value = (value << 1) | (unsigned long)(*q - '0');
    }
    if (endptr) *endptr = (char *)q;
    if (overflow) {
      errno = ERANGE;
      return ULONG_MAX;
    }
    return negative ? (unsigned long)(-value) : value;
  }
  return strtoul(nptr, endptr, base);
}
#endif
