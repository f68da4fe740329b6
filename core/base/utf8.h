/* utf8.h: UTF-8 decoding as Go's unicode/utf8 judges it, and the runes that
 * must not reach a log line or a one-line reason raw. The one decoder every
 * layer calls, so that "valid" means the same thing everywhere. */
#ifndef TOCSIN_UTF8_H
#define TOCSIN_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_RUNE_ERROR	0xfffd

/* Decodes the sequence at s (len bytes available): overlong forms,
 * surrogates and values past U+10FFFF are invalid. Returns its length with
 * the rune in *r, or 0 for an invalid or truncated sequence (and len 0),
 * leaving *r alone. */
size_t	utf8_decode(const unsigned char *s, size_t len, uint32_t *r);

/* The same, read the way Go's range over a string and utf8.DecodeRune read
 * it: an invalid or truncated sequence is the rune U+FFFD of length 1, so
 * every byte belongs to exactly one rune. Returns 0 (and U+FFFD) only when
 * len is 0. A valid U+FFFD has length 3, which tells the two apart. */
size_t	utf8_decode_lossy(const unsigned char *s, size_t len, uint32_t *r);

/* Length of the rune at s as utf8_decode_lossy counts it (1..4; 0 when len
 * is 0): cutting text only after whole runes never splits a character. */
size_t	utf8_seqlen(const unsigned char *s, size_t len);

/* Writes r as UTF-8 into out and returns its length (1..4); a surrogate or
 * a value past U+10FFFF is written as U+FFFD, as Go's utf8.EncodeRune
 * does. */
size_t	utf8_encode(uint32_t r, char out[4]);

/* Whether all len bytes at s are valid UTF-8 (Go's utf8.Valid). */
bool	utf8_valid(const char *s, size_t len);

/* C1 controls, line and paragraph separators, bidi marks and overrides,
 * and the BOM: valid, but they break or disguise a line they are put in. */
bool	utf8_rune_unsafe(uint32_t r);

/* Go's unicode.IsSpace. */
bool	utf8_rune_space(uint32_t r);
/* Go's strings.TrimSpace on s[0..len-1]: *off and *n (the kept part) leave
 * out the leading and trailing runes that utf8_rune_space takes, an invalid
 * byte being U+FFFD (not a space). */
void	utf8_trim_space(const char *s, size_t len, size_t *off, size_t *n);

#endif
