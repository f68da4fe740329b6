/* retryafter.h: the value of a Retry-After header (RFC 9110 10.2.3), as a
 * wait: delay-seconds, or an HTTP-date in any of the three forms Go's
 * http.ParseTime reads (IMF-fixdate, RFC 850, asctime). */
#ifndef TOCSIN_RETRYAFTER_H
#define TOCSIN_RETRYAFTER_H

#include <stddef.h>
#include <stdint.h>

/* The wait v[0..len-1] asks for in milliseconds, counted from now_ms (unix
 * ms) for a date; 0 for a date already past; -1 when v is neither form.
 * Leading and trailing blanks are ignored; seconds are read up to nine
 * digits (over 31 years), as more would be no wait worth keeping. */
int64_t	retry_after_ms(const char *v, size_t len, int64_t now_ms);

#endif
