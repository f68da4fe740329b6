/* payload.c: Alertmanager's webhook JSON (version "4") to and from
 * struct notification, with errors that name the offending path. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "fingerprint.h"
#include "jsonr.h"
#include "jsonw.h"
#include "payload.h"
#include "utf8.h"

/* How many bytes of an input string an error message quotes. Small enough
 * that a path with one quoted label name plus a quoted value stays well
 * inside TERR_MAX, so terr_set never cuts an escape in half. */
#define QUOTE_MAX	40
/* Room for QUOTE_MAX bytes escaped at 6 bytes each, quotes and "...". */
#define QUOTE_BUF	(QUOTE_MAX * 6 + 8)
#define PATH_BUF	64
/* A path plus one quoted map member. */
#define MPATH_BUF	(PATH_BUF + QUOTE_BUF + 4)

/* Writes s quoted and escaped for an error message into out (QUOTE_BUF
 * bytes): printable text as is, everything else escaped, at most QUOTE_MAX
 * input bytes. The result is one line of valid UTF-8. */
static const char *
quote(char *out, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), i = 0, o = 0;

	out[o++] = '"';
	while (i < len && i < QUOTE_MAX) {
		uint32_t	r;
		size_t		n = utf8_decode(p + i, len - i, &r);

		if (n == 0) {
			o += (size_t)snprintf(out + o, QUOTE_BUF - o, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (i + n > QUOTE_MAX)
			break;
		if (r == '"' || r == '\\') {
			out[o++] = '\\';
			out[o++] = (char)r;
		} else if (r == '\n')
			o += (size_t)snprintf(out + o, QUOTE_BUF - o, "\\n");
		else if (r == '\t')
			o += (size_t)snprintf(out + o, QUOTE_BUF - o, "\\t");
		else if (r < 0x20 || r == 0x7f)
			o += (size_t)snprintf(out + o, QUOTE_BUF - o, "\\x%02x", r);
		else if (utf8_rune_unsafe(r))
			o += (size_t)snprintf(out + o, QUOTE_BUF - o, "\\u%04x", r);
		else {
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	out[o++] = '"';
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* jansson's messages quote the token they failed on, which may hold any
 * byte of the input: keep printable ASCII, escape the rest. */
static void
sanitize(char *out, size_t outlen, const char *in)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)in;
	    *p && o + 5 < outlen; p++) {
		if (*p >= 0x20 && *p < 0x7f)
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", *p);
	}
	out[o] = '\0';
}

/* Some of jansson's messages speak of its own API; say what they mean. */
static int
json_error(struct terr *err, const json_error_t *je)
{
	const char	*text = je->text, *near = strstr(je->text, " near ");
	char		 what[64], clean[256];
	unsigned	 byte;

	if (sscanf(text, "unable to decode byte 0x%x", &byte) == 1)
		snprintf(what, sizeof(what), "invalid UTF-8 (byte 0x%02x)", byte);
	else if (strncmp(text, "\\u0000 is not allowed", 21) == 0)
		snprintf(what, sizeof(what), "\\u0000 is not allowed in strings");
	else
		what[0] = '\0';
	if (what[0] != '\0') {
		sanitize(clean, sizeof(clean), near ? near : "");
		return terr_set(err, "invalid JSON at line %d, column %d: %s%s",
		    je->line, je->column, what, clean);
	}
	sanitize(clean, sizeof(clean), text);
	return terr_set(err, "invalid JSON at line %d, column %d: %s",
	    je->line, je->column, clean);
}

/* Why a body jr_parse refused, when it is not jansson's to say: nesting
 * past PAYLOAD_MAX_DEPTH (jansson allows 2048; a payload is 4 deep), or a
 * NUL byte, which jansson takes for the end of input and so would let
 * trailing garbage through. Positions are counted like jansson counts them
 * (characters, 1-based). */
static int
prescan(const char *body, size_t len, struct terr *err)
{
	size_t	depth = 0, line = 1, col = 0;
	bool	instr = false, esc = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c == '\n') {
			line++;
			col = 0;
		} else if ((c & 0xc0) != 0x80)
			col++;
		if (c == '\0')
			return terr_set(err, "invalid JSON at line %zu, column %zu: "
			    "NUL byte", line, col);
		if (instr) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				instr = false;
			continue;
		}
		if (c == '"')
			instr = true;
		else if ((c == '{' || c == '[') && ++depth > PAYLOAD_MAX_DEPTH)
			return terr_set(err, "invalid JSON at line %zu, column %zu: "
			    "nested deeper than %d levels", line, col,
			    PAYLOAD_MAX_DEPTH);
		else if ((c == '}' || c == ']') && depth > 0)
			depth--;
	}
	return 0;
}

static const char *
kind(const struct jr_value *v)
{
	switch (v->type) {
	case JR_OBJECT:
		return "object";
	case JR_ARRAY:
		return "array";
	case JR_STRING:
		return "string";
	case JR_INTEGER:
	case JR_REAL:
		return "number";
	case JR_TRUE:
	case JR_FALSE:
		return "boolean";
	case JR_NULL:
		break;
	}
	return "null";
}

/* parent.key, or key at the top. */
static void
path_key(char *out, const char *parent, const char *key)
{
	snprintf(out, PATH_BUF, "%s%s%s", parent, *parent ? "." : "", key);
}

/* Map members read best as .name; anything else as ["escaped"]. out has
 * MPATH_BUF bytes, parent at most PATH_BUF. */
static void
path_member(char *out, const char *parent, const char *name)
{
	char	q[QUOTE_BUF];
	bool	ident = *name != '\0' && strlen(name) <= QUOTE_MAX;

	for (const char *p = name; *p && ident; p++)
		ident = *p == '_' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (p > name && *p >= '0' && *p <= '9');
	if (ident)
		snprintf(out, MPATH_BUF, "%s.%s", parent, name);
	else
		snprintf(out, MPATH_BUF, "%s[%s]", parent, quote(q, name));
}

/* The member key of obj, or NULL when it is absent or null (Go's
 * encoding/json leaves a field alone for null). */
static const struct jr_value *
member(const struct jr_value *obj, const char *key)
{
	const struct jr_value *v = jr_get(obj, key);

	return v == NULL || v->type == JR_NULL ? NULL : v;
}

/* A string member, or def when absent. */
static int
get_string(const struct jr_value *obj, const char *parent, const char *key,
    const char *def, const char **out, struct terr *err)
{
	const struct jr_value	*v = member(obj, key);
	char			 path[PATH_BUF];

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (v->type != JR_STRING) {
		path_key(path, parent, key);
		return terr_set(err, "%s: expected a string, got %s", path, kind(v));
	}
	*out = v->u.s;
	return 0;
}

static int
set_string(char **dst, const char *s, struct terr *err)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		return terr_set(err, "out of memory");
	free(*dst);
	*dst = p;
	return 0;
}

static int
get_status(const struct jr_value *obj, const char *parent, enum alert_status *st,
    struct terr *err)
{
	const char	*s = NULL;
	char		 path[PATH_BUF], q[QUOTE_BUF];

	if (get_string(obj, parent, "status", NULL, &s, err) == -1)
		return -1;
	if (s != NULL && strcmp(s, "firing") == 0)
		*st = ALERT_FIRING;
	else if (s != NULL && strcmp(s, "resolved") == 0)
		*st = ALERT_RESOLVED;
	else {
		path_key(path, parent, "status");
		if (s == NULL)
			return terr_set(err, "%s: missing: expected \"firing\" "
			    "or \"resolved\"", path);
		return terr_set(err, "%s: expected \"firing\" or "
		    "\"resolved\", got %s", path, quote(q, s));
	}
	return 0;
}

/* A label or annotation map: an object of strings. Absent is empty. */
static int
get_kv(const struct jr_value *obj, const char *parent, const char *key,
    struct kv *kv, struct terr *err)
{
	const struct jr_value	*v = member(obj, key);
	char			 path[PATH_BUF], mpath[MPATH_BUF];

	if (v == NULL)
		return 0;
	if (v->type != JR_OBJECT) {
		path_key(path, parent, key);
		return terr_set(err, "%s: expected an object, got %s", path,
		    kind(v));
	}
	for (size_t i = 0; i < v->n; i++) {
		const struct jr_member *m = &v->u.m[i];

		if (m->v.type != JR_STRING) {
			path_key(path, parent, key);
			path_member(mpath, path, m->key);
			return terr_set(err, "%s: expected a string, got %s",
			    mpath, kind(&m->v));
		}
		if (kv_set(kv, m->key, m->v.u.s) == -1)
			return terr_set(err, "out of memory");
	}
	return 0;
}

static int
get_time(const struct jr_value *obj, const char *parent, const char *key,
    struct tstamp *t, struct terr *err)
{
	const char	*s = NULL;
	char		 path[PATH_BUF], q[QUOTE_BUF];

	tstamp_zero(t);
	if (get_string(obj, parent, key, NULL, &s, err) == -1)
		return -1;
	/* tstamp's own message quotes the input raw; say it our way. */
	if (s != NULL && tstamp_parse_rfc3339(s, t, NULL) == -1) {
		path_key(path, parent, key);
		return terr_set(err, "%s: invalid RFC 3339 time %s", path,
		    quote(q, s));
	}
	return 0;
}

static int
parse_alert(const struct jr_value *v, size_t i, struct alert *a,
    struct terr *err)
{
	const char	*s = NULL;
	char		 path[PATH_BUF], fp[17];

	snprintf(path, sizeof(path), "alerts[%zu]", i);
	if (v->type != JR_OBJECT)
		return terr_set(err, "%s: expected an object, got %s", path,
		    kind(v));
	if (get_status(v, path, &a->status, err) == -1 ||
	    get_kv(v, path, "labels", &a->labels, err) == -1 ||
	    get_kv(v, path, "annotations", &a->annotations, err) == -1 ||
	    get_time(v, path, "startsAt", &a->starts_at, err) == -1 ||
	    get_time(v, path, "endsAt", &a->ends_at, err) == -1 ||
	    get_string(v, path, "generatorURL", "", &s, err) == -1 ||
	    set_string(&a->generator_url, s, err) == -1 ||
	    get_string(v, path, "fingerprint", "", &s, err) == -1)
		return -1;
	if (*s == '\0') {
		fingerprint_labels(&a->labels, fp);
		s = fp;
	}
	return set_string(&a->fingerprint, s, err);
}

static int
get_truncated(const struct jr_value *obj, int64_t *out, struct terr *err)
{
	const struct jr_value *v = member(obj, "truncatedAlerts");

	*out = 0;
	if (v == NULL)
		return 0;
	if (v->type == JR_REAL)
		return terr_set(err, "truncatedAlerts: expected a non-negative "
		    "integer, got a number with a fraction or exponent");
	if (v->type != JR_INTEGER)
		return terr_set(err, "truncatedAlerts: expected a non-negative "
		    "integer, got %s", kind(v));
	if (v->u.i < 0)
		return terr_set(err, "truncatedAlerts: expected a non-negative "
		    "integer, got %" PRId64, v->u.i);
	*out = v->u.i;
	return 0;
}

static int
parse_root(const struct jr_value *root, struct notification *n,
    struct terr *err)
{
	const struct jr_value	*alerts;
	const char		*s = NULL;
	char			 q[QUOTE_BUF];

	if (root->type != JR_OBJECT)
		return terr_set(err, "payload: expected an object, got %s",
		    kind(root));
	/* Version first: another version's shape would only produce
	 * confusing type errors further down. */
	if (get_string(root, "", "version", NULL, &s, err) == -1)
		return -1;
	if (s == NULL)
		return terr_set(err, "version: missing: expected \"4\"");
	if (strcmp(s, "4") != 0)
		return terr_set(err, "unsupported payload version %s: "
		    "expected \"4\"", quote(q, s));
	if (get_string(root, "", "receiver", "", &s, err) == -1 ||
	    set_string(&n->receiver, s, err) == -1 ||
	    get_status(root, "", &n->status, err) == -1)
		return -1;
	if ((alerts = member(root, "alerts")) == NULL)
		return terr_set(err, "alerts: missing");
	if (alerts->type != JR_ARRAY)
		return terr_set(err, "alerts: expected an array, got %s",
		    kind(alerts));
	if (alerts->n == 0)
		return terr_set(err, "alerts: empty: Alertmanager never sends "
		    "a notification without alerts");
	if ((n->alerts = calloc(alerts->n, sizeof(*n->alerts))) == NULL)
		return terr_set(err, "out of memory");
	for (size_t i = 0; i < alerts->n; i++) {
		/* Counted first so that notification_free frees a half-built
		 * alert too. */
		n->nalerts++;
		if (parse_alert(&alerts->u.v[i], i, &n->alerts[i], err) == -1)
			return -1;
	}
	if (get_kv(root, "", "groupLabels", &n->group_labels, err) == -1 ||
	    get_kv(root, "", "commonLabels", &n->common_labels, err) == -1 ||
	    get_kv(root, "", "commonAnnotations", &n->common_annotations,
	    err) == -1 ||
	    get_string(root, "", "externalURL", "", &s, err) == -1 ||
	    set_string(&n->external_url, s, err) == -1 ||
	    get_string(root, "", "groupKey", "", &s, err) == -1 ||
	    set_string(&n->group_key, s, err) == -1 ||
	    get_truncated(root, &n->truncated_alerts, err) == -1 ||
	    get_string(root, "", "notification_reason", "", &s, err) == -1 ||
	    set_string(&n->notification_reason, s, err) == -1 ||
	    get_kv(root, "", "routeLabels", &n->route_labels, err) == -1)
		return -1;
	/* Alertmanager 0.34 sends its route labels rendered. */
	n->route_labels_rendered = true;
	return 0;
}

/* Reads the body into doc. jr_parse takes what prescan and jansson take
 * together; when it refuses, they say why, with the line, column and words
 * tocsin has always answered with. Should jansson take a text jr_parse
 * refused (a difference fuzz_jsonr exists to find), its tree is used. */
static int
read_json(struct jr_doc *doc, const char *body, size_t len, struct terr *err)
{
	json_t		*root;
	json_error_t	 je;
	int		 rc;

	if (jr_parse(doc, body, len, PAYLOAD_MAX_DEPTH) == 0)
		return 0;
	if (prescan(body, len, err) == -1)
		return -1;
	if ((root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return json_error(err, &je);
	rc = jr_from_jansson(doc, root);
	json_decref(root);
	return rc == -1 ? terr_set(err, "out of memory") : 0;
}

struct notification *
payload_parse(const char *body, size_t len, struct terr *err)
{
	struct notification	*n = NULL;
	struct jr_doc		 doc = { 0 };

	if (len == 0) {
		terr_set(err, "empty body: expected an Alertmanager webhook "
		    "payload (a JSON object)");
		goto fail;
	}
	if (read_json(&doc, body, len, err) == -1)
		goto fail;
	if ((n = notification_new()) == NULL) {
		terr_set(err, "out of memory");
		goto fail;
	}
	if (parse_root(&doc.root, n, err) == -1)
		goto fail;
	jr_free(&doc);
	return n;
fail:
	notification_free(n);
	jr_free(&doc);
	return NULL;
}

/* Appends s as a JSON string exactly as Go's encoding/json (with its
 * default HTML escaping) writes it: Alertmanager-compatible receivers and
 * our tests compare these bytes. */
static int
add_string(struct buf *b, const char *s)
{
	/* Alertmanager 0.25 is built with Go 1.19: \b and \f as \u0008/\u000c. */
	return jsonw_cstr(b, s);
}

static int
add_kv(struct buf *b, const struct kv *kv)
{
	if (buf_addc(b, '{') == -1)
		return -1;
	for (size_t i = 0; i < kv->n; i++)
		if ((i > 0 && buf_addc(b, ',') == -1) ||
		    add_string(b, kv->v[i].name) == -1 ||
		    buf_addc(b, ':') == -1 ||
		    add_string(b, kv->v[i].value) == -1)
			return -1;
	return buf_addc(b, '}');
}

static int
add_time(struct buf *b, const struct tstamp *t)
{
	char s[64];

	tstamp_format_rfc3339(t, s, sizeof(s));
	return add_string(b, s);
}

static int
add_alert(struct buf *b, const struct alert *a)
{
	return buf_adds(b, "{\"status\":") == -1 ||
	    add_string(b, alert_status_str(a->status)) == -1 ||
	    buf_adds(b, ",\"labels\":") == -1 || add_kv(b, &a->labels) == -1 ||
	    buf_adds(b, ",\"annotations\":") == -1 ||
	    add_kv(b, &a->annotations) == -1 ||
	    buf_adds(b, ",\"startsAt\":") == -1 ||
	    add_time(b, &a->starts_at) == -1 ||
	    buf_adds(b, ",\"endsAt\":") == -1 ||
	    add_time(b, &a->ends_at) == -1 ||
	    buf_adds(b, ",\"generatorURL\":") == -1 ||
	    add_string(b, a->generator_url) == -1 ||
	    buf_adds(b, ",\"fingerprint\":") == -1 ||
	    add_string(b, a->fingerprint) == -1 ||
	    buf_addc(b, '}') == -1 ? -1 : 0;
}

static char *
to_json(const struct notification *n, bool am034, struct terr *err)
{
	struct buf	 b;
	char		*out;

	buf_init(&b, 0);
	if (buf_adds(&b, "{\"receiver\":") == -1 ||
	    add_string(&b, n->receiver) == -1 ||
	    buf_adds(&b, ",\"status\":") == -1 ||
	    add_string(&b, alert_status_str(n->status)) == -1 ||
	    buf_adds(&b, ",\"alerts\":[") == -1)
		goto fail;
	for (size_t i = 0; i < n->nalerts; i++)
		if ((i > 0 && buf_addc(&b, ',') == -1) ||
		    add_alert(&b, &n->alerts[i]) == -1)
			goto fail;
	if (buf_addc(&b, ']') == -1 ||
	    (am034 && (buf_adds(&b, ",\"notification_reason\":") == -1 ||
	    add_string(&b, n->notification_reason) == -1)) ||
	    buf_adds(&b, ",\"groupLabels\":") == -1 ||
	    add_kv(&b, &n->group_labels) == -1 ||
	    buf_adds(&b, ",\"commonLabels\":") == -1 ||
	    add_kv(&b, &n->common_labels) == -1 ||
	    buf_adds(&b, ",\"commonAnnotations\":") == -1 ||
	    add_kv(&b, &n->common_annotations) == -1 ||
	    (am034 && (buf_adds(&b, ",\"routeLabels\":") == -1 ||
	    add_kv(&b, &n->route_labels) == -1)) ||
	    buf_adds(&b, ",\"externalURL\":") == -1 ||
	    add_string(&b, n->external_url) == -1 ||
	    buf_adds(&b, ",\"version\":\"4\",\"groupKey\":") == -1 ||
	    add_string(&b, n->group_key) == -1 ||
	    buf_printf(&b, ",\"truncatedAlerts\":%" PRId64 "}",
	    n->truncated_alerts) == -1)
		goto fail;
	if ((out = buf_steal(&b)) == NULL)
		goto fail;
	return out;
fail:
	buf_free(&b);
	terr_set(err, "encoding the payload: out of memory or over %zu bytes",
	    (size_t)BUF_DEFAULT_CAP);
	return NULL;
}

char *
payload_to_json(const struct notification *n, struct terr *err)
{
	return to_json(n, false, err);
}

char *
payload_to_json_034(const struct notification *n, struct terr *err)
{
	return to_json(n, true, err);
}
