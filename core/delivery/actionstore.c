/* actionstore.c: sender_records over the store's button records and group
 * messages. */
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

static int
group_put(void *arg, const char *receiver, const char *integration,
    const char *group_key, const char *chat, int64_t message_id,
    struct terr *err)
{
	return store_group_message_put(arg, receiver, integration, group_key,
	    chat, message_id, err);
}

static int
group_get(void *arg, const char *receiver, const char *integration,
    const char *group_key, char *chat, size_t chatlen, int64_t *message_id,
    int *found, struct terr *err)
{
	return store_group_message_get(arg, receiver, integration, group_key,
	    chat, chatlen, message_id, found, err);
}

void
actionstore_init(struct sender_records *r, struct store *s)
{
	r->put = put;
	r->set_message = set_message;
	r->group_put = group_put;
	r->group_get = group_get;
	r->arg = s;
}
