/* base64.h: Go's base64.StdEncoding.DecodeString, for the credentials of
 * HTTP basic auth (net/http's Request.BasicAuth decodes with it). */
#ifndef TOCSIN_BASE64_H
#define TOCSIN_BASE64_H

#include <stddef.h>

#include "buf.h"

/* Appends the bytes s[0..len-1] encodes to out: the standard alphabet with
 * '=' padding to a multiple of four, '\r' and '\n' skipped, bits after the
 * last full byte ignored (as Go's non-strict decoder). -1 when s is not
 * such a text or out is full; out then holds what was decoded before. */
int	base64_std_decode(struct buf *out, const char *s, size_t len) WARN_UNUSED;

#endif
