/* jsonw.c: Go encoding/json string escaping (see jsonw.h). */
#include <stdint.h>
#include <string.h>

#include "jsonw.h"
#include "utf8.h"

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
		size_t j;

		/* a run of bytes written as they are, in one copy */
		for (j = i; j < n && s[j] >= 0x20 && s[j] < 0x80 && s[j] != '"' &&
		    s[j] != '\\' && s[j] != '<' && s[j] != '>' && s[j] != '&'; j++)
			;
		if (j > i) {
			if (buf_add(b, s + i, j - i) == -1)
				return -1;
			i = j;
			continue;
		}
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
		/* Go's encoding/json writes an invalid byte as \ufffd and
		 * goes on with the next one. */
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0) {
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
