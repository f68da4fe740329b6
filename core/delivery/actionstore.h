/* actionstore.h: the senders' records of buttons (sender.h's
 * sender_records) kept in the store, so that channels stay unaware of it. */
#ifndef TOCSIN_ACTIONSTORE_H
#define TOCSIN_ACTIONSTORE_H

#include "sender.h"
#include "store.h"

/* Fills r to keep records in s (borrowed: it must outlive r's use). */
void	actionstore_init(struct sender_records *r, struct store *s);

#endif
