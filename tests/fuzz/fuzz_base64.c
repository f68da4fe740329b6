/* fuzz_base64.c: libFuzzer target for the base64 decoder that reads basic
 * auth credentials. Whatever it accepts must decode to three bytes per
 * quantum less the padding, and encoding the result must decode to the same
 * bytes again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

#define FUZZ_NAME "fuzz_base64"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 of p[0..n-1], padded, into out (4 * ceil(n / 3) + 1). */
static void
encode(const unsigned char *p, size_t n, char *out)
{
	size_t	 i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		out[o++] = alphabet[p[i] >> 2];
		out[o++] = alphabet[(p[i] & 3) << 4];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		out[o++] = alphabet[p[i] >> 2];
		out[o++] = alphabet[(p[i] & 3) << 4 | p[i + 1] >> 4];
		out[o++] = alphabet[(p[i + 1] & 15) << 2];
		out[o++] = '=';
	}
	out[o] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 b, again;
	size_t		 chars = 0, pad = 0;
	char		*enc;

	buf_init(&b, 0);
	if (base64_std_decode(&b, (const char *)data, size) == 0) {
		for (size_t i = 0; i < size; i++) {
			if (data[i] == '=')
				pad++;
			if (data[i] != '\r' && data[i] != '\n')
				chars++;
		}
		check(chars % 4 == 0 && pad <= 2, "accepted a partial quantum");
		check(b.len == chars / 4 * 3 - pad, "decoded length");
		enc = malloc(b.len / 3 * 4 + 5);
		check(enc != NULL, "out of memory");
		encode((const unsigned char *)buf_str(&b), b.len, enc);
		buf_init(&again, 0);
		check(base64_std_decode(&again, enc, strlen(enc)) == 0,
		    "refused its own encoding");
		check(again.len == b.len &&
		    memcmp(buf_str(&again), buf_str(&b), b.len) == 0,
		    "round trip");
		buf_free(&again);
		free(enc);
	}
	buf_free(&b);
	return 0;
}
