/* bodybudget.h: one budget for the request bodies all connections buffer
 * together. A body reserves its announced length before a byte of it is
 * read (a chunked body reserves as it arrives); a reservation past the
 * budget is refused, so the server answers 503 instead of holding the
 * memory, and every reservation is returned when its request ends.
 * Thread-safe (atomic). */
#ifndef TOCSIN_BODYBUDGET_H
#define TOCSIN_BODYBUDGET_H

#include <stdbool.h>
#include <stddef.h>

struct bodybudget {
	size_t	 limit;		/* bytes; set once */
	size_t	 used;		/* atomic: bytes reserved now */
};

void	bodybudget_init(struct bodybudget *b, size_t limit);
/* Reserves n more bytes; false (nothing reserved) past the limit. */
bool	bodybudget_take(struct bodybudget *b, size_t n);
/* Returns n bytes taken earlier. */
void	bodybudget_give(struct bodybudget *b, size_t n);
/* Bytes reserved now. */
size_t	bodybudget_used(struct bodybudget *b);

#endif
