/* urlenc.c: form escaping as Go's net/url (urlenc.h). */
#include <ctype.h>
#include <string.h>

#include "urlenc.h"

int
urlenc_query(struct buf *out, const char *s, size_t len)
{
	size_t	 i;
	int	 r;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~')
			r = buf_addc(out, (char)c);
		else if (c == ' ')
			r = buf_addc(out, '+');
		else
			r = buf_printf(out, "%%%02X", c);
		if (r == -1)
			return -1;
	}
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return tolower((unsigned char)c) - 'a' + 10;
}

int
urlenc_unquery(struct buf *out, const char *s, size_t len)
{
	size_t	 i;
	char	 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < len &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		}
		if (buf_addc(out, c) == -1)
			return -1;
	}
	return 0;
}
