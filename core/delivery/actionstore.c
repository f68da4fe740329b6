/* actionstore.c: sender_records over store_action_put and
 * store_action_set_message. */
#include "actionstore.h"

static int
put(void *arg, const struct action_rec *r, struct terr *err)
{
	return store_action_put(arg, r, err);
}

static int
set_message(void *arg, const char *id, int64_t message_id, struct terr *err)
{
	return store_action_set_message(arg, id, message_id, err);
}

void
actionstore_init(struct sender_records *r, struct store *s)
{
	r->put = put;
	r->set_message = set_message;
	r->arg = s;
}
