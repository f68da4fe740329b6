/* buf.c: capped growable buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap ? cap : BUF_DEFAULT_CAP;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b, b->cap);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int
buf_grow(struct buf *b, size_t need)
{
	size_t	 n;
	char	*p;

	if (need > b->cap)
		return -1;
	if (need + 1 <= b->alloc)
		return 0;
	n = b->alloc ? b->alloc : 64;
	while (n < need + 1)
		n *= 2;
	if ((p = realloc(b->data, n)) == NULL)
		return -1;
	b->data = p;
	b->alloc = n;
	return 0;
}

int
buf_add(struct buf *b, const void *data, size_t len)
{
	if (len > b->cap - b->len || buf_grow(b, b->len + len) == -1)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (size_t)n > b->cap - b->len || buf_grow(b, b->len + n) == -1)
		return -1;
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	b->len += n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *
buf_steal(struct buf *b)
{
	char	*p = b->data;

	if (p == NULL)
		p = strdup("");
	buf_init(b, b->cap);
	return p;
}

const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}
