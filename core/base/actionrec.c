/* actionrec.c: action records' ids and cleanup. */
#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "actionrec.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
action_rec_clear(struct action_rec *r)
{
	free(r->receiver);
	free(r->integration);
	free(r->group_key);
	free(r->labels);
	free(r->chat);
	free(r->silence_id);
	r->receiver = r->integration = r->group_key = r->labels = r->chat =
	    r->silence_id = NULL;
}

void
action_rec_free(struct action_rec *r)
{
	if (r == NULL)
		return;
	action_rec_clear(r);
	free(r);
}

int
action_id_new(char out[ACTION_ID_LEN + 1], struct terr *err)
{
	unsigned char	 raw[ACTION_ID_LEN];
	ssize_t		 n;

	do
		n = getrandom(raw, sizeof(raw), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(raw))
		return terr_set(err, "no randomness for an action id: %s",
		    n == -1 ? strerror(errno) : "short read");
	/* 64 symbols: each byte's low six bits, uniform. */
	for (size_t i = 0; i < ACTION_ID_LEN; i++)
		out[i] = alphabet[raw[i] & 63];
	out[ACTION_ID_LEN] = '\0';
	return 0;
}

int
action_id_valid(const char *s)
{
	return s != NULL && strlen(s) == ACTION_ID_LEN &&
	    strspn(s, alphabet) == ACTION_ID_LEN;
}
