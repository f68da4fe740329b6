/* urlenc.h: Go's url.QueryEscape and its inverse, the one copy of the
 * application/x-www-form-urlencoded rules: the template function urlquery
 * and the form Pushover takes (url.Values.Encode) both escape with it. */
#ifndef TOCSIN_URLENC_H
#define TOCSIN_URLENC_H

#include <stddef.h>

#include "buf.h"

/* Appends s[0..len-1] escaped to out: A-Z a-z 0-9 - _ . ~ as they are, a
 * space as '+', every other byte as %XX (upper-case hex). -1 when out is
 * full or memory runs out. */
int	urlenc_query(struct buf *out, const char *s, size_t len) WARN_UNUSED;

/* Appends the unescaped s[0..len-1] to out ('+' a space, %XX the byte; a
 * '%' without two hex digits stays as it is). -1 out of memory. */
int	urlenc_unquery(struct buf *out, const char *s, size_t len) WARN_UNUSED;

#endif
