/* sender_pushover_form.c: the pushover channel's form (see
 * sender_pushover_form.h). */
#include <stdbool.h>
#include <string.h>

#include "sender_pushover_form.h"
#include "urlenc.h"

/* "&key=value" (no '&' first), value form-escaped. */
int
form_add(struct buf *b, const char *key, const char *v, size_t len)
{
	if ((b->len > 0 && buf_addc(b, '&') == -1) || buf_adds(b, key) == -1 ||
	    buf_addc(b, '=') == -1)
		return -1;
	return urlenc_query(b, v, len);
}

/* Whether the key of pair p[0..plen-1] sorts after key. */
static bool
key_after(const char *p, size_t plen, const char *key)
{
	const char	*eq = memchr(p, '=', plen);
	size_t		 kl = eq != NULL ? (size_t)(eq - p) : plen, l = strlen(key);
	int		 c = memcmp(p, key, kl < l ? kl : l);

	return c > 0 || (c == 0 && kl > l);
}

/* Writes form f[0..len-1] into out (empty on entry) with key=value put in
 * at its sorted place, before the first pair whose key sorts after key, as
 * url.Values.Encode would have put it. */
int
form_insert(struct buf *out, const char *f, size_t len, const char *key,
    const char *value)
{
	const char	*p = f, *end = f + len, *amp;
	size_t		 plen;
	bool		 done = false;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		plen = amp != NULL ? (size_t)(amp - p) : (size_t)(end - p);
		if (!done && key_after(p, plen, key)) {
			if (form_add(out, key, value, strlen(value)) == -1)
				return -1;
			done = true;
		}
		if ((out->len > 0 && buf_addc(out, '&') == -1) ||
		    buf_add(out, p, plen) == -1)
			return -1;
		p += plen + (amp != NULL);
	}
	if (!done && form_add(out, key, value, strlen(value)) == -1)
		return -1;
	return 0;
}

/* The value of key in form f[0..len-1], unescaped, into out; 0 when there. */
int
form_get(const char *f, size_t len, const char *key, struct buf *out)
{
	const char	*p = f, *end = f + len, *amp;
	size_t		 plen, kl = strlen(key);

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		plen = amp != NULL ? (size_t)(amp - p) : (size_t)(end - p);
		if (plen > kl && memcmp(p, key, kl) == 0 && p[kl] == '=')
			return urlenc_unquery(out, p + kl + 1, plen - kl - 1);
		p += plen + (amp != NULL);
	}
	return -1;
}
