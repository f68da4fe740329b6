/* err.c: formatting for the error convention in err.h. */
#include <stdarg.h>
#include <stdio.h>
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
