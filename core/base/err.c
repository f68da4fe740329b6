/* err.c: formatting for the error convention in err.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

int
terr_set(struct terr *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
terr_prefix(struct terr *err, const char *fmt, ...)
{
	char	 prefix[TERR_MAX], joined[2 * TERR_MAX + 2];
	va_list	 ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(joined, sizeof(joined), "%s: %s", prefix, err->msg);
	memcpy(err->msg, joined, sizeof(err->msg) - 1);
	err->msg[sizeof(err->msg) - 1] = '\0';
	return -1;
}

int
terrs_add(struct terrs *e, const char *msg)
{
	char	**nv, *m;

	if ((m = strdup(msg)) == NULL)
		return -1;
	if ((nv = reallocarray(e->msg, e->n + 1, sizeof(*nv))) == NULL) {
		free(m);
		return -1;
	}
	e->msg = nv;
	e->msg[e->n++] = m;
	return 0;
}

void
terrs_clear(struct terrs *e)
{
	size_t	 i;

	for (i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	e->msg = NULL;
	e->n = 0;
}

char *
terrs_text(const struct terrs *e, const char *name)
{
	char	*s, *p;
	size_t	 i, len;

	if (e->n == 0)
		return NULL;
	if (e->n == 1)
		return strdup(e->msg[0]);
	len = strlen(name) + 32;
	for (i = 0; i < e->n; i++)
		len += strlen(e->msg[i]) + 3;
	if ((s = malloc(len)) == NULL)
		return NULL;
	p = s + snprintf(s, len, "%s: %zu errors:", name, e->n);
	for (i = 0; i < e->n; i++)
		p += snprintf(p, len - (size_t)(p - s), "\n  %s", e->msg[i]);
	return s;
}

int
terrs_set(struct terr *err, const struct terrs *e, const char *name)
{
	char	 more[48];
	size_t	 i, o;

	if (err == NULL || e->n == 0)
		return -1;
	if (e->n == 1)
		return terr_set(err, "%s", e->msg[0]);
	o = (size_t)snprintf(err->msg, sizeof(err->msg), "%s: %zu errors:", name,
	    e->n);
	for (i = 0; i < e->n && o < sizeof(err->msg); i++) {
		snprintf(more, sizeof(more), "\n  ... and %zu more", e->n - i - 1);
		/* This line and, unless it is the last, room to say what is left. */
		if (o + 3 + strlen(e->msg[i]) + (i + 1 < e->n ? strlen(more) : 0) >=
		    sizeof(err->msg))
			break;
		o += (size_t)snprintf(err->msg + o, sizeof(err->msg) - o, "\n  %s",
		    e->msg[i]);
	}
	if (i < e->n && o < sizeof(err->msg))
		snprintf(err->msg + o, sizeof(err->msg) - o, "\n  ... and %zu more",
		    e->n - i);
	return -1;
}
