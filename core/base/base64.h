/* base64.h: Go's base64.StdEncoding.DecodeString, for the credentials of
 * HTTP basic auth (net/http's Request.BasicAuth decodes with it); and
 * base64.RawURLEncoding both ways, for the tokens of action links
 * (actiontoken.h). */
#ifndef TOCSIN_BASE64_H
#define TOCSIN_BASE64_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* Appends the bytes s[0..len-1] encodes to out: the standard alphabet with
 * '=' padding to a multiple of four, '\r' and '\n' skipped, bits after the
 * last full byte ignored (as Go's non-strict decoder). -1 when s is not
 * such a text or out is full; out then holds what was decoded before. */
int	base64_std_decode(struct buf *out, const char *s, size_t len) WARN_UNUSED;

/* The length of the unpadded base64 of n bytes. */
#define BASE64_RAWURL_LEN(n)	(((n) * 4 + 2) / 3)

/* Go's base64.RawURLEncoding.EncodeToString: in[0..n-1] in the URL
 * alphabet ('-' and '_'), unpadded, into out, which has room for
 * BASE64_RAWURL_LEN(n) + 1 bytes; NUL-terminated, the length returned. */
size_t	base64_rawurl_encode(const unsigned char *in, size_t n, char *out);
/* Go's base64.RawURLEncoding.Strict().DecodeString, line breaks refused
 * too: s[0..n-1] into out (at most max bytes), the bits after the last
 * full byte zero, so that each byte string has one spelling. The length
 * decoded, or -1 when s is not such a text or does not fit. */
ssize_t	base64_rawurl_decode(const char *s, size_t n, unsigned char *out,
	    size_t max) WARN_UNUSED;

#endif
