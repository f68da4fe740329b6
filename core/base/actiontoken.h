/* actiontoken.h: the signed tokens of action links (/action/<token>), the
 * phone loop's answer for channels without buttons (e-mail, Slack webhooks,
 * ntfy, ...). A token says what to do (silence for a duration, or ack) to
 * which action record until when, and carries an HMAC-SHA256 of that under
 * the relay's action key. Whoever holds a link may use it until it expires:
 * links are bearer capabilities.
 *
 * Format: base64url(payload) "." base64url(mac), no padding, where payload
 * is "<action>.<record id>.<duration ms>.<expiry unix ms>", action "s"
 * (silence) or "a" (ack; duration 0), and mac = HMAC-SHA256(key, payload). */
#ifndef TOCSIN_ACTIONTOKEN_H
#define TOCSIN_ACTIONTOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "actionrec.h"
#include "err.h"

#define ACTION_KEY_LEN		32
/* A link is refused this long after it was made, unless configured. */
#define ACTION_LINK_EXPIRY_MS	(INT64_C(7) * 24 * 3600 * 1000)
/* Room for any token tocsin makes, terminator included. */
#define ACTION_TOKEN_MAX	160

enum action_kind {
	ACTION_SILENCE,
	ACTION_ACK,
};

struct action_token {
	enum action_kind kind;
	char		 id[ACTION_ID_LEN + 1];
	int64_t		 duration_ms;	/* ACTION_SILENCE: > 0; ACTION_ACK: 0 */
	int64_t		 expires;	/* unix ms */
};

enum action_verdict {
	ACTION_TOKEN_OK,
	ACTION_TOKEN_BAD,	/* malformed, forged or signed by another key */
	ACTION_TOKEN_EXPIRED,	/* genuine but past its expiry */
};

struct action_key {
	unsigned char	 bytes[ACTION_KEY_LEN];
};

/* Writes the token of t signed with k into out (ACTION_TOKEN_MAX). -1 with
 * err when t is not a valid token (bad id, kind or duration). */
int	action_token_sign(const struct action_key *k, const struct action_token *t,
	    char *out, size_t len, struct terr *err) WARN_UNUSED;

/* Checks s against k and now (unix ms) and fills *t when the signature
 * holds (also when it expired). The signature is compared in constant
 * time and checked before the payload is believed. */
enum action_verdict action_token_verify(const struct action_key *k,
	    const char *s, int64_t now, struct action_token *t);

/* The action key: from path when given (a file of at least ACTION_KEY_LEN
 * bytes: its bytes are hashed into the key), otherwise from
 * <dir>/action.key, which is created once with ACTION_KEY_LEN random bytes
 * and mode 0600 when it does not exist. Errors name the file, never its
 * content. */
int	action_key_load(const char *path, const char *dir, struct action_key *k,
	    struct terr *err) WARN_UNUSED;

#endif
