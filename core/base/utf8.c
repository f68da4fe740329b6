/* utf8.c: UTF-8 decoding and unsafe runes (see utf8.h). */
#include "utf8.h"

size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *r)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	uint32_t	c;
	size_t		n;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*r = s[0];
		return 1;
	}
	/* As Go does, the second byte's range carries the rules against
	 * overlong forms (E0, F0), surrogates (ED) and runes past U+10FFFF
	 * (F4); C0, C1 and F5..FF never start a sequence. */
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		c = c << 6 | (s[i] & 0x3f);
	}
	*r = c;
	return n;
}

size_t
utf8_decode_lossy(const unsigned char *s, size_t len, uint32_t *r)
{
	size_t	n;

	if ((n = utf8_decode(s, len, r)) != 0)
		return n;
	*r = UTF8_RUNE_ERROR;
	return len == 0 ? 0 : 1;
}

size_t
utf8_seqlen(const unsigned char *s, size_t len)
{
	uint32_t	r;

	return utf8_decode_lossy(s, len, &r);
}

size_t
utf8_encode(uint32_t r, char out[4])
{
	if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		r = UTF8_RUNE_ERROR;
	if (r < 0x80) {
		out[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		out[0] = (char)(0xc0 | r >> 6);
		out[1] = (char)(0x80 | (r & 0x3f));
		return 2;
	}
	if (r < 0x10000) {
		out[0] = (char)(0xe0 | r >> 12);
		out[1] = (char)(0x80 | (r >> 6 & 0x3f));
		out[2] = (char)(0x80 | (r & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | r >> 18);
	out[1] = (char)(0x80 | (r >> 12 & 0x3f));
	out[2] = (char)(0x80 | (r >> 6 & 0x3f));
	out[3] = (char)(0x80 | (r & 0x3f));
	return 4;
}

bool
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;
	uint32_t		 r;

	while (len > 0) {
		if ((n = utf8_decode(p, len, &r)) == 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

bool
utf8_rune_unsafe(uint32_t r)
{
	return (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 ||
	    r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) ||
	    (r >= 0x2066 && r <= 0x2069) || r == 0xfeff;
}

bool
utf8_rune_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return true;
	}
	return r >= 0x2000 && r <= 0x200a;
}

void
utf8_trim_space(const char *s, size_t len, size_t *off, size_t *n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, l, start = len, end = 0;
	uint32_t		 r;

	/* One pass forward: where the first non-space rune starts and the
	 * last one ends. */
	for (i = 0; i < len; i += l) {
		l = utf8_decode_lossy(u + i, len - i, &r);
		if (utf8_rune_space(r))
			continue;
		if (start == len)
			start = i;
		end = i + l;
	}
	*off = start == len ? 0 : start;
	*n = start == len ? 0 : end - start;
}
