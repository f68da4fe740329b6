/* jsonw.c: Go encoding/json string escaping (see jsonw.h). */
#include <stdint.h>
#include <string.h>

#include "jsonw.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t	 len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int
jsonw_str(struct buf *b, const char *s, size_t len)
{
	return jsonw_str_flags(b, s, len, 0);
}

int
jsonw_str_flags(struct buf *b, const char *str, size_t n, unsigned flags)
{
	const unsigned char	*s = (const unsigned char *)str;
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i = 0, l;
	uint32_t		 cp;

	if (buf_addc(b, '"') == -1)
		return -1;
	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			int rc;

			if (c == '"' || c == '\\') {
				char e[2] = { '\\', (char)c };
				rc = buf_add(b, e, 2);
			} else if (c == '\n')
				rc = buf_adds(b, "\\n");
			else if (c == '\r')
				rc = buf_adds(b, "\\r");
			else if (c == '\t')
				rc = buf_adds(b, "\\t");
			else if ((flags & JSONW_SHORT_BF) && c == '\b')
				rc = buf_adds(b, "\\b");
			else if ((flags & JSONW_SHORT_BF) && c == '\f')
				rc = buf_adds(b, "\\f");
			else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
				char e[6] = { '\\', 'u', '0', '0',
				    hex[c >> 4], hex[c & 0xf] };
				rc = buf_add(b, e, 6);
			} else
				rc = buf_addc(b, (char)c);
			if (rc == -1)
				return -1;
			i++;
			continue;
		}
		if ((l = utf8_len(s + i, n - i, &cp)) == 0) {
			if (buf_adds(b, "\\ufffd") == -1)
				return -1;
			i++;
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029) {
			if (buf_adds(b, cp == 0x2028 ? "\\u2028" : "\\u2029") == -1)
				return -1;
		} else if (buf_add(b, s + i, l) == -1)
			return -1;
		i += l;
	}
	return buf_addc(b, '"');
}

int
jsonw_cstr(struct buf *b, const char *s)
{
	return jsonw_str(b, s == NULL ? "" : s, s == NULL ? 0 : strlen(s));
}
