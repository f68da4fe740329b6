/* base64.c: standard base64 decoding as Go's encoding/base64 (base64.h). */
#include "base64.h"

/* The value of c in the standard alphabet, -1 for any other byte. */
static int
sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
base64_std_decode(struct buf *out, const char *s, size_t len)
{
	unsigned int	 acc = 0;
	size_t		 n = 0, pad = 0;	/* sextets and '=' of this quantum */

	for (size_t i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)s[i];
		int		 v;

		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			/* '=' only ends a quantum of two or three sextets */
			if (n + pad < 2 || n + pad >= 4)
				return -1;
			pad++;
		} else {
			if (pad > 0 || (v = sextet(c)) < 0)
				return -1;
			acc = acc << 6 | (unsigned int)v;
			n++;
		}
		if (n + pad < 4)
			continue;
		/* a full quantum: 3, 2 or 1 bytes by its padding */
		acc <<= 6 * pad;
		if (buf_addc(out, (char)(acc >> 16 & 0xff)) == -1 ||
		    (pad < 2 && buf_addc(out, (char)(acc >> 8 & 0xff)) == -1) ||
		    (pad < 1 && buf_addc(out, (char)(acc & 0xff)) == -1))
			return -1;
		if (pad > 0) {
			/* nothing but line breaks after the padding */
			for (i++; i < len; i++)
				if (s[i] != '\r' && s[i] != '\n')
					return -1;
			return 0;
		}
		acc = 0;
		n = 0;
	}
	return n == 0 && pad == 0 ? 0 : -1;
}
