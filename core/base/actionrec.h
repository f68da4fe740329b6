/* actionrec.h: what tocsin remembers about a notification that can be acted
 * on from the phone (a Telegram message with buttons): plain data shared by
 * the channel that writes it, the store that keeps it and the code that acts
 * on a press; and the short random id a button carries instead of the
 * labels. */
#ifndef TOCSIN_ACTIONREC_H
#define TOCSIN_ACTIONREC_H

#include <stdint.h>

#include "err.h"

/* 16 characters of [A-Za-z0-9_-]: 96 random bits, not guessable. */
#define ACTION_ID_LEN	16

struct action_rec {
	char	 id[ACTION_ID_LEN + 1];
	char	*receiver;
	char	*integration;	/* "telegram/0" */
	char	*group_key;
	/* JSON {"group":{..},"common":{..},"alerts":[{..},..]}: the group
	 * labels, common labels and every alert's label set. */
	char	*labels;
	char	*chat;		/* the chat id, as text */
	int64_t	 message_id;	/* 0 until the service answered */
	int64_t	 created;	/* unix ms */
	int64_t	 expires;	/* unix ms: presses after it are refused */
	char	*silence_id;	/* the silence a press made; "" none */
};

/* Frees the strings of r (not r itself). */
void	action_rec_clear(struct action_rec *r);
/* Frees the strings of r and r itself, allocated with malloc; NULL is
 * fine. */
void	action_rec_free(struct action_rec *r);

/* A new random id into out. -1 with err when the system has no randomness. */
int	action_id_new(char out[ACTION_ID_LEN + 1], struct terr *err) WARN_UNUSED;
/* True when s is ACTION_ID_LEN characters of the id alphabet. */
int	action_id_valid(const char *s);

#endif
