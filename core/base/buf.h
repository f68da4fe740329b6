/* buf.h: a growable byte buffer with a hard size cap (like curl's dynbuf).
 *
 * Every append checks the cap, so an attacker-sized input fails cleanly with
 * -1 instead of eating memory. The data is always NUL-terminated. */
#ifndef TOCSIN_BUF_H
#define TOCSIN_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

struct buf {
	char	*data;	/* NUL-terminated; NULL until the first append */
	size_t	 len;
	size_t	 alloc;
	size_t	 cap;	/* hard maximum of len */
};

#define BUF_DEFAULT_CAP ((size_t)64 << 20)

/* Initialises an empty buffer; cap 0 means BUF_DEFAULT_CAP. No allocation. */
void	buf_init(struct buf *b, size_t cap);
/* Frees the data and returns the buffer to its initial empty state. */
void	buf_free(struct buf *b);
/* Empties the buffer but keeps its allocation. */
void	buf_reset(struct buf *b);
/* Appends; -1 when the cap would be exceeded or memory runs out (the buffer
 * keeps what it had). */
int	buf_add(struct buf *b, const void *data, size_t len) WARN_UNUSED;
int	buf_adds(struct buf *b, const char *s) WARN_UNUSED;
int	buf_addc(struct buf *b, char c) WARN_UNUSED;
int	buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3) WARN_UNUSED;
int	buf_vprintf(struct buf *b, const char *fmt, va_list ap) PRINTF_LIKE(2, 0)
	    WARN_UNUSED;
/* Hands the data to the caller (who frees it with free()) and resets the
 * buffer. Never returns NULL for a successfully used buffer: an empty buffer
 * yields "". Returns NULL only if memory runs out. */
char	*buf_steal(struct buf *b);
/* The contents as a C string; "" for an empty buffer. */
const char *buf_str(const struct buf *b);

#endif
