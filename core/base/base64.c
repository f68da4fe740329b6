/* base64.c: base64 as Go's encoding/base64 has it (base64.h): standard
 * decoding, and the unpadded URL alphabet both ways. */
#include <stdint.h>

#include "base64.h"

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The value of c in the alphabet whose last two characters are c62 and
 * c63 ('+' '/' standard, '-' '_' URL), -1 for any other byte. */
static int
sextet(unsigned char c, char c62, char c63)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (unsigned char)c62)
		return 62;
	if (c == (unsigned char)c63)
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
			if (pad > 0 || (v = sextet(c, '+', '/')) < 0)
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

size_t
base64_rawurl_encode(const unsigned char *in, size_t n, char *out)
{
	size_t		 o = 0, i;
	uint32_t	 v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = url_alphabet[v >> 18];
		out[o++] = url_alphabet[(v >> 12) & 63];
		out[o++] = url_alphabet[(v >> 6) & 63];
		out[o++] = url_alphabet[v & 63];
	}
	if (n - i > 0) {
		v = (uint32_t)in[i] << 16 |
		    (n - i == 2 ? (uint32_t)in[i + 1] << 8 : 0);
		out[o++] = url_alphabet[v >> 18];
		out[o++] = url_alphabet[(v >> 12) & 63];
		if (n - i == 2)
			out[o++] = url_alphabet[(v >> 6) & 63];
	}
	out[o] = '\0';
	return o;
}

ssize_t
base64_rawurl_decode(const char *s, size_t n, unsigned char *out, size_t max)
{
	size_t		 o = 0, bits = 0;
	uint32_t	 acc = 0;
	int		 v;

	/* n % 4 == 1 leaves 6 bits: no byte ends there. */
	if (n % 4 == 1 || n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > max)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if ((v = sextet((unsigned char)s[i], '-', '_')) == -1)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (ssize_t)o;
}
