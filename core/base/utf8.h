/* utf8.h: UTF-8 decoding as Go's utf8.DecodeRune judges it, and the runes
 * that must not reach a log line or a one-line reason raw. For the code
 * that quotes outside text into messages (payload errors, probe reasons). */
#ifndef TOCSIN_UTF8_H
#define TOCSIN_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the sequence at s (len bytes available): overlong forms,
 * surrogates and values past U+10FFFF are invalid. Returns its length with
 * the rune in *r, or 0 for an invalid or truncated sequence (and len 0). */
size_t	utf8_decode(const unsigned char *s, size_t len, uint32_t *r);

/* C1 controls, line and paragraph separators, bidi marks and overrides,
 * and the BOM: valid, but they break or disguise a line they are put in. */
bool	utf8_rune_unsafe(uint32_t r);

#endif
