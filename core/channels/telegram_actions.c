/* telegram_actions.c: the `actions` section of a telegram_config (a tocsin
 * extension), the inline keyboard of a firing notification, its callback
 * data, and the lines an acted-on message is edited to show. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "actionrec.h"
#include "civil.h"
#include "duration.h"
#include "jsonw.h"
#include "telegram_actions.h"

/* ---- the actions section ---- */

int
tga_silence_list(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	struct tg_actions *a = obj;
	size_t		 n;

	if (cfg_seq(ld, v, k->value) == -1)
		return -1;
	n = ynode_is_null(v) ? 0 : v->n;
	if (n > 0 && ((a->silence = calloc(n, sizeof(*a->silence))) == NULL ||
	    (a->silence_text = calloc(n, sizeof(*a->silence_text))) == NULL))
		return cfg_fail(ld, v, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct ynode *c = v->child[i];
		int64_t ms;

		if (cfg_duration(ld, k->value, c, &ms) == -1)
			return -1;
		if (ms <= 0)
			return cfg_fail(ld, c, "silence durations must be "
			    "positive");
		for (size_t j = 0; j < a->nsilence; j++)
			if (a->silence[j] == ms)
				return cfg_fail(ld, c, "silence duration %s is "
				    "offered twice", c->value);
		if ((a->silence_text[a->nsilence] = strdup(c->value)) == NULL)
			return cfg_fail(ld, v, "out of memory");
		a->silence[a->nsilence++] = ms;
	}
	return 0;
}

static int
user_list(struct cfg_load *ld, const struct ynode *k, const struct ynode *v,
    void *obj)
{
	struct tg_actions *a = obj;
	int64_t		*u;

	if (cfg_seq(ld, v, k->value) == -1)
		return -1;
	for (size_t i = 0; !ynode_is_null(v) && i < v->n; i++) {
		int64_t id;

		if (cfg_int64(ld, k->value, v->child[i], &id) == -1)
			return -1;
		if (id <= 0)
			return cfg_fail(ld, v->child[i], "allowed_users holds "
			    "Telegram user ids (positive integers)");
		if ((u = cf_append((void **)&a->users, &a->nusers,
		    sizeof(*u))) == NULL)
			return cfg_fail(ld, v, "out of memory");
		*u = id;
	}
	return 0;
}

static int
tga_finish(struct cfg_load *ld, const struct cf_walk *w)
{
	struct tg_actions *a = w->obj;

	a->enabled = true;
	if (a->nsilence == 0 && !a->ack)
		return cfg_fail(ld, w->n, "actions on telegram_config offer no "
		    "button: set silence durations or ack: true");
	if (a->nusers == 0)
		return cfg_fail(ld, w->n, "missing allowed_users on telegram_config "
		    "actions: who may press the buttons");
	return 0;
}

static const struct cf_field tga_fields[] = {
	{ "silence", CF_CUSTOM, .parse = tga_silence_list },
	{ "ack", CF_BOOL, CF_AT(tg_actions, ack) },
	{ "allowed_users", CF_CUSTOM, .parse = user_list },
	{ "alertmanager_url", CF_URL, CF_AT(tg_actions, alertmanager_url) },
	{ "http_config", CF_HTTP, CF_AT(tg_actions, http) },
	{ .name = NULL }
};
const struct cf_type tga_type = { "telegram_config actions", tga_fields,
    sizeof(struct tg_actions), tga_finish };

void
tga_clear(struct tg_actions *a)
{
	for (size_t i = 0; i < a->nsilence; i++)
		free(a->silence_text[i]);
	free(a->silence_text);
	free(a->silence);
	free(a->users);
	free(a->alertmanager_url);
	http_config_clear(&a->http);
	memset(a, 0, sizeof(*a));
}

/* ---- callback data ---- */

void
tga_callback(const struct tga_press *p, char *out, size_t len)
{
	switch (p->kind) {
	case TGA_SILENCE:
		snprintf(out, len, "%s:s:%s", p->id, p->duration);
		break;
	case TGA_ACK:
		snprintf(out, len, "%s:a", p->id);
		break;
	case TGA_UNSILENCE:
		snprintf(out, len, "%s:u", p->id);
		break;
	}
}

int
tga_callback_parse(const char *data, struct tga_press *p)
{
	struct terr	 e;
	const char	*rest;

	memset(p, 0, sizeof(*p));
	if (data == NULL || strlen(data) > TGA_CALLBACK_MAX ||
	    strlen(data) < ACTION_ID_LEN + 2 || data[ACTION_ID_LEN] != ':')
		return -1;
	memcpy(p->id, data, ACTION_ID_LEN);
	p->id[ACTION_ID_LEN] = '\0';
	if (!action_id_valid(p->id))
		return -1;
	rest = data + ACTION_ID_LEN + 1;
	if (strcmp(rest, "a") == 0)
		p->kind = TGA_ACK;
	else if (strcmp(rest, "u") == 0)
		p->kind = TGA_UNSILENCE;
	else if (strncmp(rest, "s:", 2) == 0 &&
	    strlen(rest + 2) < sizeof(p->duration) &&
	    duration_parse(rest + 2, &p->duration_ms, &e) == 0 &&
	    p->duration_ms > 0) {
		p->kind = TGA_SILENCE;
		snprintf(p->duration, sizeof(p->duration), "%s", rest + 2);
	}
	else
		return -1;
	return 0;
}

/* ---- keyboards ---- */

static int
button(struct buf *b, const char *text, const struct tga_press *p)
{
	char	 cb[TGA_CALLBACK_MAX + 1];

	tga_callback(p, cb, sizeof(cb));
	if (buf_adds(b, "{\"text\":") == -1 || jsonw_cstr(b, text) == -1 ||
	    buf_adds(b, ",\"callback_data\":") == -1 || jsonw_cstr(b, cb) == -1)
		return -1;
	return buf_addc(b, '}');
}

int
tga_keyboard(struct buf *b, const struct tg_actions *a, const char *id)
{
	struct tga_press p;
	char		 text[48];

	memset(&p, 0, sizeof(p));
	snprintf(p.id, sizeof(p.id), "%s", id);
	if (buf_adds(b, "{\"inline_keyboard\":[[") == -1)
		return -1;
	for (size_t i = 0; i < a->nsilence; i++) {
		p.kind = TGA_SILENCE;
		p.duration_ms = a->silence[i];
		snprintf(p.duration, sizeof(p.duration), "%s", a->silence_text[i]);
		snprintf(text, sizeof(text), "Silence %s", a->silence_text[i]);
		if ((i > 0 && buf_addc(b, ',') == -1) || button(b, text, &p) == -1)
			return -1;
	}
	if (a->ack) {
		p.kind = TGA_ACK;
		if ((a->nsilence > 0 && buf_addc(b, ',') == -1) ||
		    button(b, "Ack", &p) == -1)
			return -1;
	}
	return buf_adds(b, "]]}");
}

int
tga_unsilence_keyboard(struct buf *b, const char *id)
{
	struct tga_press p;

	memset(&p, 0, sizeof(p));
	snprintf(p.id, sizeof(p.id), "%s", id);
	p.kind = TGA_UNSILENCE;
	if (buf_adds(b, "{\"inline_keyboard\":[[") == -1 ||
	    button(b, "Unsilence", &p) == -1)
		return -1;
	return buf_adds(b, "]]}");
}

/* ---- the record's context ---- */

static int
kv_json(struct buf *b, const struct kv *kv)
{
	if (buf_addc(b, '{') == -1)
		return -1;
	for (size_t i = 0; i < kv->n; i++) {
		if ((i > 0 && buf_addc(b, ',') == -1) ||
		    jsonw_cstr(b, kv->v[i].name) == -1 || buf_addc(b, ':') == -1 ||
		    jsonw_cstr(b, kv->v[i].value) == -1)
			return -1;
	}
	return buf_addc(b, '}');
}

int
tga_context(struct buf *b, const struct notification *n)
{
	if (buf_adds(b, "{\"external_url\":") == -1 ||
	    jsonw_cstr(b, n->external_url ? n->external_url : "") == -1 ||
	    buf_adds(b, ",\"group\":") == -1 || kv_json(b, &n->group_labels) == -1 ||
	    buf_adds(b, ",\"common\":") == -1 ||
	    kv_json(b, &n->common_labels) == -1 || buf_adds(b, ",\"alerts\":[") == -1)
		return -1;
	for (size_t i = 0; i < n->nalerts; i++)
		if ((i > 0 && buf_addc(b, ',') == -1) ||
		    kv_json(b, &n->alerts[i].labels) == -1)
			return -1;
	return buf_adds(b, "]}");
}

static int
kv_read(json_t *o, struct kv *kv)
{
	const char	*k;
	json_t		*v;

	if (!json_is_object(o))
		return -1;
	json_object_foreach(o, k, v) {
		if (!json_is_string(v) || kv_set(kv, k, json_string_value(v)) == -1)
			return -1;
	}
	return 0;
}

int
tga_ctx_parse(const char *json, struct tga_ctx *c)
{
	json_t		*root, *alerts, *a;
	const char	*url;
	size_t		 i;
	int		 rc = -1;

	memset(c, 0, sizeof(*c));
	kv_init(&c->group);
	kv_init(&c->common);
	if ((root = json_loads(json ? json : "", 0, NULL)) == NULL)
		return -1;
	url = json_string_value(json_object_get(root, "external_url"));
	alerts = json_object_get(root, "alerts");
	if (url == NULL || (c->external_url = strdup(url)) == NULL ||
	    kv_read(json_object_get(root, "group"), &c->group) == -1 ||
	    kv_read(json_object_get(root, "common"), &c->common) == -1 ||
	    !json_is_array(alerts))
		goto out;
	if (json_array_size(alerts) > 0 && (c->alerts = calloc(
	    json_array_size(alerts), sizeof(*c->alerts))) == NULL)
		goto out;
	json_array_foreach(alerts, i, a) {
		kv_init(&c->alerts[c->nalerts]);
		if (kv_read(a, &c->alerts[c->nalerts++]) == -1)
			goto out;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

void
tga_ctx_clear(struct tga_ctx *c)
{
	free(c->external_url);
	kv_free(&c->group);
	kv_free(&c->common);
	for (size_t i = 0; i < c->nalerts; i++)
		kv_free(&c->alerts[i]);
	free(c->alerts);
	memset(c, 0, sizeof(*c));
}

const struct kv *
tga_ctx_matchers(const struct tga_ctx *c)
{
	return c->group.n > 0 ? &c->group : &c->common;
}

/* ---- who, what, when ---- */

bool
tga_allowed(const struct tg_actions *a, int64_t user)
{
	for (size_t i = 0; i < a->nusers; i++)
		if (a->users[i] == user)
			return true;
	return false;
}

bool
tga_offers(const struct tg_actions *a, int64_t duration_ms)
{
	for (size_t i = 0; i < a->nsilence; i++)
		if (a->silence[i] == duration_ms)
			return true;
	return false;
}

const char *
tga_duration_text(const struct tg_actions *a, int64_t duration_ms)
{
	for (size_t i = 0; i < a->nsilence; i++)
		if (a->silence[i] == duration_ms)
			return a->silence_text[i];
	return NULL;
}

void
tga_time(int64_t ms, char *out, size_t len)
{
	int64_t	 sod, y, days;
	int	 mo, d;

	days = civil_day_of(ms / 1000, &sod);
	civil_from_days(days, &y, &mo, &d);
	snprintf(out, len, "%04" PRId64 "-%02d-%02d %02d:%02d UTC", y, mo, d,
	    (int)(sod / 3600), (int)(sod / 60 % 60));
}

int
tga_silenced_line(struct buf *b, const char *who, int64_t until_ms)
{
	char	 t[32];

	tga_time(until_ms, t, sizeof(t));
	return buf_printf(b, "\xf0\x9f\x94\x95 Silenced by %s until %s", who, t);
}

int
tga_acked_line(struct buf *b, const char *who, int64_t at_ms)
{
	char	 t[32];

	tga_time(at_ms, t, sizeof(t));
	return buf_printf(b, "\xe2\x9c\x85 Acknowledged by %s at %s", who, t);
}
