/* utf8.c: UTF-8 decoding and unsafe runes (see utf8.h). */
#include "utf8.h"

size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *r)
{
	uint32_t	c;
	size_t		n;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*r = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*r = c;
	return n;
}

bool
utf8_rune_unsafe(uint32_t r)
{
	return (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 ||
	    r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) ||
	    (r >= 0x2066 && r <= 0x2069) || r == 0xfeff;
}
