/* payload.h: Alertmanager's webhook payload (version "4") to and from the
 * alert model of base/alert.h. Parsing is strict about types and structure and
 * lenient about unknown keys, so a newer Alertmanager's extra fields pass. */
#ifndef TOCSIN_PAYLOAD_H
#define TOCSIN_PAYLOAD_H

#include <stddef.h>

#include "alert.h"
#include "err.h"

/* Deepest nesting accepted (a real payload is 4 deep: object, alerts array,
 * alert object, label object). Deeper input is refused by the reader
 * (jsonr.h) as it gets there, and the error names where. */
#define PAYLOAD_MAX_DEPTH 16

/*
 * Parses a webhook body of len bytes (need not be NUL-terminated). Returns a
 * notification the caller frees with notification_free, or NULL with one line
 * in err (no newline; anything quoted from the input is escaped and
 * truncated). Rules:
 *  - JSON must be one object; duplicate keys, invalid UTF-8, \u0000 and
 *    nesting deeper than PAYLOAD_MAX_DEPTH are errors;
 *  - "version" is required and must be "4"; "status" (top level and per
 *    alert) is required and must be "firing" or "resolved"; "alerts" is
 *    required and must be a non-empty array (Alertmanager never sends an
 *    empty one, so an empty one means a broken sender);
 *  - a field of the wrong type is an error naming its path, e.g.
 *    `alerts[1].labels.severity: expected a string, got number`; a null
 *    field counts as absent, as Go's encoding/json treats it, but a null
 *    label or annotation value is a type error;
 *  - a NUL byte anywhere is an error (jansson would stop reading there);
 *  - absent strings are "", absent label sets empty, absent times the zero
 *    time, absent truncatedAlerts 0 (it must be a non-negative integer);
 *  - an absent or empty "fingerprint" is computed from the labels the way
 *    Alertmanager does (fingerprint.h); a present one is kept as sent;
 *  - label names are any UTF-8 string (Alertmanager 0.27+ accepts UTF-8
 *    names and has already validated what it sends); unknown keys are ignored.
 */
struct notification *payload_parse(const char *body, size_t len,
	    struct terr *err);

/*
 * Serialises n as Alertmanager's webhook sends it: one line without a
 * trailing newline, keys in Alertmanager's order (receiver, status, alerts,
 * groupLabels, commonLabels, commonAnnotations, externalURL, version,
 * groupKey, truncatedAlerts; per alert status, labels, annotations, startsAt,
 * endsAt, generatorURL, fingerprint), label maps sorted by name, strings
 * escaped byte for byte like Go's encoding/json (<, >, & as \u003c, \u003e,
 * \u0026; U+2028/U+2029 escaped; invalid UTF-8 as \ufffd). Returns a string
 * the caller frees with free(), or NULL with err set.
 */
char	*payload_to_json(const struct notification *n, struct terr *err);

/*
 * The same as Alertmanager 0.34's webhook sends it: template.Data gained
 * notification_reason (after alerts) and routeLabels (after
 * commonAnnotations) in 0.34, the rest as payload_to_json.
 */
char	*payload_to_json_034(const struct notification *n, struct terr *err);

#endif
