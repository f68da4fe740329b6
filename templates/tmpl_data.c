/* tmpl_data.c: reads amtool's --template.data file (Go's template.Data in
 * JSON) into the alert model, matching keys the way encoding/json does. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "tmpl_int.h"

/* encoding/json: an exact key match wins, else a case-insensitive one. */
static json_t *
jget(json_t *obj, const char *key)
{
	const char	*k;
	json_t		*v, *fold = NULL;

	json_object_foreach(obj, k, v) {
		if (strcmp(k, key) == 0)
			return v;
		if (strcasecmp(k, key) == 0)
			fold = v;
	}
	return fold;
}

static int
get_str(json_t *obj, const char *key, const char *path, char **out,
    struct terr *err)
{
	json_t	*v = jget(obj, key);
	char	*s;

	if (v == NULL || json_is_null(v))
		s = strdup(*out ? *out : "");
	else if (!json_is_string(v))
		return terr_set(err, "json: cannot unmarshal %s into Go struct "
		    "field %s.%s of type string", json_is_number(v) ? "number" :
		    json_is_boolean(v) ? "bool" : json_is_array(v) ? "array" :
		    "object", path, key);
	else
		s = strndup(json_string_value(v), json_string_length(v));
	if (s == NULL)
		return terr_set(err, "out of memory");
	free(*out);
	*out = s;
	return 0;
}

static int
get_kv(json_t *obj, const char *key, const char *path, struct kv *kv,
    struct terr *err)
{
	json_t		*v = jget(obj, key), *e;
	const char	*k;

	if (v == NULL || json_is_null(v)) {
		kv->null = true;	/* Go's nil map */
		return 0;
	}
	if (!json_is_object(v))
		return terr_set(err, "json: cannot unmarshal %s into Go struct "
		    "field %s.%s of type template.KV", json_is_array(v) ?
		    "array" : json_is_string(v) ? "string" : "number", path, key);
	json_object_foreach(v, k, e) {
		if (!json_is_string(e))
			return terr_set(err, "json: cannot unmarshal %s into Go "
			    "struct field %s.%s of type string", json_is_number(e) ?
			    "number" : json_is_object(e) ? "object" : "value",
			    path, key);
		if (kv_set(kv, k, json_string_value(e)) == -1)
			return terr_set(err, "out of memory");
	}
	return 0;
}

static int
get_status(json_t *obj, const char *path, enum alert_status *st,
    struct terr *err)
{
	char	*s = NULL;
	int	 r = 0;

	if (get_str(obj, "status", path, &s, err) == -1)
		return -1;
	/* Go's template.Data takes any string; the alert model holds these
	 * three (an empty or absent status is Go's zero value). */
	if (strcmp(s, "firing") == 0)
		*st = ALERT_FIRING;
	else if (strcmp(s, "resolved") == 0)
		*st = ALERT_RESOLVED;
	else if (s[0] == '\0')
		*st = ALERT_STATUS_EMPTY;
	else
		r = terr_set(err, "%s.status: \"%.40s\" is not firing, resolved "
		    "or empty", path, s);
	free(s);
	return r;
}

static int
get_time(json_t *obj, const char *key, struct tstamp *t, struct terr *err)
{
	json_t *v = jget(obj, key);

	tstamp_zero(t);
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return terr_set(err, "%s: expected a string time", key);
	if (tstamp_parse_rfc3339(json_string_value(v), t, err) == -1)
		return terr_prefix(err, "%s", key);
	return 0;
}

struct notification *
tmpl_data_parse(const char *text, size_t len, struct terr *err)
{
	struct notification	*n = NULL;
	json_t			*root, *alerts;
	json_error_t		 je;

	if ((root = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &je)) == NULL) {
		terr_set(err, "invalid JSON at line %d: %s", je.line, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		terr_set(err, "json: cannot unmarshal into Go value of type "
		    "template.Data");
		goto fail;
	}
	if ((n = notification_new()) == NULL) {
		terr_set(err, "out of memory");
		goto fail;
	}
	if (get_str(root, "receiver", "Data", &n->receiver, err) == -1 ||
	    get_status(root, "Data", &n->status, err) == -1 ||
	    get_kv(root, "groupLabels", "Data", &n->group_labels, err) == -1 ||
	    get_kv(root, "commonLabels", "Data", &n->common_labels, err) == -1 ||
	    get_kv(root, "commonAnnotations", "Data", &n->common_annotations,
	    err) == -1 ||
	    get_str(root, "externalURL", "Data", &n->external_url, err) == -1 ||
	    get_str(root, "notification_reason", "Data",
	    &n->notification_reason, err) == -1 ||
	    get_kv(root, "routeLabels", "Data", &n->route_labels, err) == -1)
		goto fail;
	alerts = jget(root, "alerts");
	if (alerts != NULL && !json_is_null(alerts)) {
		size_t i;
		json_t *a;

		if (!json_is_array(alerts)) {
			terr_set(err, "json: cannot unmarshal into Go struct field "
			    "Data.alerts of type template.Alerts");
			goto fail;
		}
		if ((n->alerts = calloc(json_array_size(alerts) + 1,
		    sizeof(*n->alerts))) == NULL) {
			terr_set(err, "out of memory");
			goto fail;
		}
		json_array_foreach(alerts, i, a) {
			struct alert *al = &n->alerts[i];

			n->nalerts = i + 1;
			kv_init(&al->labels);
			kv_init(&al->annotations);
			if (!json_is_object(a)) {
				terr_set(err, "json: cannot unmarshal into Go "
				    "struct field Data.alerts of type template.Alert");
				goto fail;
			}
			if (get_status(a, "Alert", &al->status, err) == -1 ||
			    get_kv(a, "labels", "Alert", &al->labels, err) == -1 ||
			    get_kv(a, "annotations", "Alert", &al->annotations,
			    err) == -1 ||
			    get_time(a, "startsAt", &al->starts_at, err) == -1 ||
			    get_time(a, "endsAt", &al->ends_at, err) == -1 ||
			    get_str(a, "generatorURL", "Alert", &al->generator_url,
			    err) == -1 ||
			    get_str(a, "fingerprint", "Alert", &al->fingerprint,
			    err) == -1)
				goto fail;
		}
	}
	json_decref(root);
	return n;
fail:
	json_decref(root);
	notification_free(n);
	return NULL;
}
