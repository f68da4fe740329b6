/* sender_pushover_form.h: the application/x-www-form-urlencoded form the
 * pushover channel stores and sends, built as Go's url.Values.Encode
 * builds it (keys in order, values escaped by urlenc_query), a pair put in
 * at its sorted place and a value read back. */
#ifndef TOCSIN_SENDER_PUSHOVER_FORM_H
#define TOCSIN_SENDER_PUSHOVER_FORM_H

#include <stddef.h>

#include "buf.h"

/* Appends "key=value" to b ('&' first unless b is empty), value
 * v[0..len-1] escaped. -1 out of memory. */
int	form_add(struct buf *b, const char *key, const char *v, size_t len)
	    WARN_UNUSED;
/* Writes form f[0..len-1] into out (empty on entry) with key=value put in
 * before the first pair whose key sorts after key (bytewise, as Go's
 * sort.Strings), where url.Values.Encode would have put it. -1 out of
 * memory. */
int	form_insert(struct buf *out, const char *f, size_t len, const char *key,
	    const char *value) WARN_UNUSED;
/* Appends the unescaped value of key in form f[0..len-1] to out; -1 when
 * the form has no such key (or memory runs out). */
int	form_get(const char *f, size_t len, const char *key, struct buf *out)
	    WARN_UNUSED;

#endif
