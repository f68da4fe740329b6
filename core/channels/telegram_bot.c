/* telegram_bot.c: getUpdates, answerCallbackQuery and the message edits, with
 * request bodies as compact JSON objects, keys sorted. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "httpclient.h"
#include "jsonw.h"
#include "telegram_bot.h"

#define TG_DEFAULT_API		"https://api.telegram.org"
/* The longest retry_after taken as it is: nine digits of seconds, as for a
 * Retry-After header (httpclient.c). */
#define TG_RETRY_AFTER_MAX_S	INT64_C(999999999)

void
tg_updates_free(struct tg_update *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(u[i].data);
		free(u[i].text);
		free(u[i].entities);
	}
	free(u);
}

bool
tgbot_not_modified(const struct tgbot_answer *a)
{
	return a->status == 400 &&
	    strstr(a->description, "message is not modified") != NULL;
}

/* The answer's fields; returns its parsed JSON (NULL when it is none) for
 * the caller to read more of and decref. */
static json_t *
read_answer(const struct http_response *r, struct tgbot_answer *a)
{
	json_t		*root, *params, *v;
	const char	*d;

	a->status = r->status;
	a->description[0] = '\0';
	a->retry_after = -1;
	a->migrate_to = 0;
	a->message_id = 0;
	if ((root = json_loadb(buf_str(&r->body), r->body.len, 0, NULL)) == NULL)
		return NULL;
	if ((d = json_string_value(json_object_get(root, "description"))) != NULL)
		snprintf(a->description, sizeof(a->description), "%s", d);
	a->message_id = json_integer_value(json_object_get(json_object_get(root,
	    "result"), "message_id"));
	params = json_object_get(root, "parameters");
	if (json_is_integer(v = json_object_get(params, "retry_after"))) {
		/* Seconds from the network: capped, so that the milliseconds
		 * made of it cannot overflow. */
		a->retry_after = json_integer_value(v);
		if (a->retry_after > TG_RETRY_AFTER_MAX_S)
			a->retry_after = TG_RETRY_AFTER_MAX_S;
	}
	if (json_is_integer(v = json_object_get(params, "migrate_to_chat_id")))
		a->migrate_to = json_integer_value(v);
	return root;
}

void
tgbot_read_answer(const struct http_response *r, struct tgbot_answer *a)
{
	json_decref(read_answer(r, a));
}

int
tgbot_url(struct buf *url, const char *api, const char *token,
    const char *method)
{
	size_t alen;

	if (api == NULL || api[0] == '\0')
		api = TG_DEFAULT_API;
	alen = strlen(api);
	while (alen > 0 && api[alen - 1] == '/')
		alen--;
	if (buf_add(url, api, alen) == -1 ||
	    buf_printf(url, "/bot%s/%s", token ? token : "", method) == -1)
		return -1;
	return 0;
}

/* POSTs body to method; *root (NULL: not wanted) gets the parsed answer. */
static int
call(const struct tgbot *b, const char *method, const struct buf *body,
    long timeout_ms, json_t **root, struct tgbot_answer *a, struct terr *err)
{
	struct http_request	 req;
	struct http_response	 resp;
	struct buf		 url;
	json_t			*r;
	int			 rc = -1;

	http_response_init(&resp);
	buf_init(&url, 0);
	if (tgbot_url(&url, b->api, b->token, method) == -1) {
		terr_set(err, "telegram %s: out of memory", method);
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.url = buf_str(&url);
	req.content_type = "application/json";
	req.body = body->data;
	req.body_len = body->len;
	req.cfg = b->http;
	req.timeout_ms = timeout_ms;
	req.cancel = b->cancel;
	req.cancel_arg = b->cancel_arg;
	if (http_post(&req, &resp, err) == -1)
		goto out;
	r = read_answer(&resp, a);
	if (root != NULL)
		*root = r;
	else
		json_decref(r);
	rc = 0;
out:
	buf_free(&url);
	http_response_free(&resp);
	return rc;
}

static void
copy_str(json_t *o, const char *key, char *out, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	snprintf(out, len, "%s", s ? s : "");
}

static char *
dup_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? strdup(s) : NULL;
}

/* One callback query into u; -1 when memory runs out. */
static int
read_callback(json_t *cq, struct tg_update *u)
{
	json_t		*from = json_object_get(cq, "from");
	json_t		*msg = json_object_get(cq, "message");
	json_t		*ents = json_object_get(msg, "entities");
	const char	*user, *first;

	u->is_callback = true;
	copy_str(cq, "id", u->query_id, sizeof(u->query_id));
	u->from_id = json_integer_value(json_object_get(from, "id"));
	user = json_string_value(json_object_get(from, "username"));
	first = json_string_value(json_object_get(from, "first_name"));
	if (user != NULL)
		snprintf(u->from, sizeof(u->from), "@%s (%" PRId64 ")", user,
		    u->from_id);
	else
		snprintf(u->from, sizeof(u->from), "%s (%" PRId64 ")",
		    first ? first : "user", u->from_id);
	if (json_is_integer(json_object_get(json_object_get(msg, "chat"), "id")))
		snprintf(u->chat, sizeof(u->chat), "%" PRId64, (int64_t)
		    json_integer_value(json_object_get(json_object_get(msg, "chat"),
		    "id")));
	u->message_id = json_integer_value(json_object_get(msg, "message_id"));
	if (json_object_get(cq, "data") != NULL &&
	    (u->data = dup_str(cq, "data")) == NULL)
		return -1;
	if (json_object_get(msg, "text") != NULL &&
	    (u->text = dup_str(msg, "text")) == NULL)
		return -1;
	if (json_is_array(ents) &&
	    (u->entities = json_dumps(ents, JSON_COMPACT)) == NULL)
		return -1;
	return 0;
}

static int
read_updates(json_t *root, struct tg_update **out, size_t *n, struct terr *err)
{
	json_t	*res = json_object_get(root, "result"), *it;
	size_t	 i;

	if (!json_is_array(res))
		return terr_set(err, "telegram getUpdates: answer has no result list");
	if (json_array_size(res) == 0)
		return 0;
	if ((*out = calloc(json_array_size(res), sizeof(**out))) == NULL)
		return terr_set(err, "telegram getUpdates: out of memory");
	json_array_foreach(res, i, it) {
		struct tg_update *u = &(*out)[(*n)++];
		json_t *cq = json_object_get(it, "callback_query");

		u->update_id = json_integer_value(json_object_get(it, "update_id"));
		if (cq != NULL && read_callback(cq, u) == -1) {
			tg_updates_free(*out, *n);
			*out = NULL;
			*n = 0;
			return terr_set(err, "telegram getUpdates: out of memory");
		}
	}
	return 0;
}

int
tgbot_parse_updates(const char *body, size_t len, struct tg_update **out,
    size_t *n, struct terr *err)
{
	json_t	*root;
	int	 rc;

	*out = NULL;
	*n = 0;
	if ((root = json_loadb(body, len, 0, NULL)) == NULL)
		return terr_set(err, "telegram getUpdates: answer is not JSON");
	rc = read_updates(root, out, n, err);
	json_decref(root);
	return rc;
}

int
tgbot_get_updates(const struct tgbot *b, int64_t offset, int timeout_s,
    struct tg_update **out, size_t *n, struct tgbot_answer *a, struct terr *err)
{
	struct buf	 body;
	json_t		*root = NULL;
	int		 rc = -1;

	*out = NULL;
	*n = 0;
	buf_init(&body, 0);
	if (buf_printf(&body, "{\"allowed_updates\":[\"callback_query\"],"
	    "\"offset\":%" PRId64 ",\"timeout\":%d}", offset, timeout_s) == -1) {
		terr_set(err, "telegram getUpdates: out of memory");
		goto out;
	}
	/* The long poll plus time for the answer to travel. */
	if (call(b, "getUpdates", &body, (timeout_s + 15) * 1000L, &root, a,
	    err) == -1)
		goto out;
	if (a->status == 200 && read_updates(root, out, n, err) == -1)
		goto out;
	rc = 0;
out:
	json_decref(root);
	buf_free(&body);
	return rc;
}

int
tgbot_answer_callback(const struct tgbot *b, const char *query_id,
    const char *text, struct tgbot_answer *a, struct terr *err)
{
	struct buf	 body;
	int		 rc = -1;

	buf_init(&body, 0);
	if (buf_adds(&body, "{\"callback_query_id\":") == -1 ||
	    jsonw_cstr(&body, query_id) == -1 ||
	    buf_adds(&body, ",\"text\":") == -1 || jsonw_cstr(&body, text) == -1 ||
	    buf_addc(&body, '}') == -1)
		terr_set(err, "telegram answerCallbackQuery: out of memory");
	else
		rc = call(b, "answerCallbackQuery", &body, 0, NULL, a, err);
	buf_free(&body);
	return rc;
}

/* {"chat_id":"..": the start of both edits' bodies. */
static int
edit_head(struct buf *body, const char *chat)
{
	if (buf_adds(body, "{\"chat_id\":") == -1 || jsonw_cstr(body, chat) == -1)
		return -1;
	return 0;
}

int
tgbot_edit_text(const struct tgbot *b, const char *chat, int64_t message_id,
    const char *text, const char *entities, const char *markup,
    struct tgbot_answer *a, struct terr *err)
{
	struct buf	 body;
	int		 rc = -1;

	buf_init(&body, 0);
	if (edit_head(&body, chat) == -1 ||
	    (entities != NULL && (buf_adds(&body, ",\"entities\":") == -1 ||
	    buf_adds(&body, entities) == -1)) ||
	    buf_printf(&body, ",\"message_id\":%" PRId64, message_id) == -1 ||
	    (markup != NULL && (buf_adds(&body, ",\"reply_markup\":") == -1 ||
	    buf_adds(&body, markup) == -1)) ||
	    buf_adds(&body, ",\"text\":") == -1 || jsonw_cstr(&body, text) == -1 ||
	    buf_addc(&body, '}') == -1)
		terr_set(err, "telegram editMessageText: out of memory");
	else
		rc = call(b, "editMessageText", &body, 0, NULL, a, err);
	buf_free(&body);
	return rc;
}

int
tgbot_edit_markup(const struct tgbot *b, const char *chat, int64_t message_id,
    const char *markup, struct tgbot_answer *a, struct terr *err)
{
	struct buf	 body;
	int		 rc = -1;

	buf_init(&body, 0);
	if (edit_head(&body, chat) == -1 ||
	    buf_printf(&body, ",\"message_id\":%" PRId64, message_id) == -1 ||
	    (markup != NULL && (buf_adds(&body, ",\"reply_markup\":") == -1 ||
	    buf_adds(&body, markup) == -1)) || buf_addc(&body, '}') == -1)
		terr_set(err, "telegram editMessageReplyMarkup: out of memory");
	else
		rc = call(b, "editMessageReplyMarkup", &body, 0, NULL, a, err);
	buf_free(&body);
	return rc;
}
