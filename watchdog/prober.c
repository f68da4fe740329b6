/* prober.c: a freshness check's Prometheus query and the judgement of its
 * answer (see prober.h). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "duration.h"
#include "httpclient.h"
#include "prober.h"
#include "utf8.h"

/* How many bytes of a label name or value a reason quotes: enough to tell
 * series apart, short enough for a phone. */
#define QUOTE_MAX	100
/* Largest age, in seconds, shown as a duration (model.Duration's range is
 * far beyond it; more is shown as a number). */
#define AGE_DURATION_MAX	1e12

/*
 * A reason under construction: appends never fail. What does not fit is
 * dropped whole (a rune, an escape) and the reason ends in "...", so the
 * result is always one line of valid UTF-8 no longer than CHECK_REASON_MAX.
 */
struct reason {
	char	 s[CHECK_REASON_MAX];
	size_t	 len;
	int	 full;
};

#define ELLIPSIS	"..."

static void
r_add(struct reason *r, const char *p, size_t n)
{
	if (r->full)
		return;
	if (r->len + n > sizeof(r->s) - sizeof(ELLIPSIS)) {
		r->full = 1;
		memcpy(r->s + r->len, ELLIPSIS, sizeof(ELLIPSIS) - 1);
		r->len += sizeof(ELLIPSIS) - 1;
		r->s[r->len] = '\0';
		return;
	}
	memcpy(r->s + r->len, p, n);
	r->len += n;
	r->s[r->len] = '\0';
}

static void
r_printf(struct reason *r, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* For the module's own ASCII text and numbers only. */
static void
r_printf(struct reason *r, const char *fmt, ...)
{
	char	tmp[CHECK_REASON_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	r_add(r, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/*
 * Appends text from outside (label values, Prometheus's error messages, a
 * proxy's error page) so that it stays one harmless line: control bytes,
 * C1 controls, line separators and bidi overrides escaped like Go's
 * strconv.Quote does, bytes of invalid UTF-8 as \xNN, at most max input
 * bytes. quoted: inside double quotes, so '"' and '\' are escaped too.
 */
static void
r_text(struct reason *r, const char *s, size_t len, size_t max, int quoted)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[16];
	uint32_t		 rune;
	size_t			 i, n;

	for (i = 0; i < len && i < max; i += n) {
		n = utf8_decode(p + i, len - i, &rune);
		if (n == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
			r_add(r, esc, strlen(esc));
			n = 1;
		} else if (rune == '\n')
			r_add(r, "\\n", 2);
		else if (rune == '\t')
			r_add(r, "\\t", 2);
		else if (rune == '\r')
			r_add(r, "\\r", 2);
		else if (rune < 0x20 || rune == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned)rune);
			r_add(r, esc, strlen(esc));
		} else if (utf8_rune_unsafe(rune)) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)rune);
			r_add(r, esc, strlen(esc));
		} else if (quoted && (rune == '"' || rune == '\\')) {
			esc[0] = '\\';
			esc[1] = (char)rune;
			r_add(r, esc, 2);
		} else
			r_add(r, s + i, n);
	}
	if (i < len)
		r_add(r, ELLIPSIS, sizeof(ELLIPSIS) - 1);
}

/* Prometheus's own text: as much as the reason holds. */
static void
r_cstr(struct reason *r, const char *s)
{
	r_text(r, s, strlen(s), SIZE_MAX, 0);
}

static void
finish(struct probe_result *out, enum probe_status st, double age,
    const struct reason *r)
{
	out->status = st;
	out->age_s = age;
	memcpy(out->reason, r->s, r->len + 1);
}

/* An age in seconds as a model.Duration ("16m40s"), or the number when it
 * is not one (NaN, +Inf, beyond AGE_DURATION_MAX). */
static void
age_text(double v, char *out, size_t len)
{
	if (isnan(v))
		snprintf(out, len, "NaN");
	else if (isinf(v))
		snprintf(out, len, "%sInf", v > 0 ? "+" : "-");
	else if (fabs(v) > AGE_DURATION_MAX)
		snprintf(out, len, "%gs", v);
	else if (llround(v * 1000) < 0) {
		/* A clock ahead of Prometheus's: model.Duration has no sign. */
		snprintf(out, len, "-");
		duration_format(llround(-v * 1000), out + 1, len - 1);
	} else
		duration_format(llround(v * 1000), out, len);
}

/* Prometheus writes sample values as Go's strconv.FormatFloat does: decimal
 * or exponent notation, "NaN", "+Inf", "-Inf". Nothing else is accepted, so
 * that a body that only looks like an answer is not read as ages. */
static int
parse_value(const char *s, double *v)
{
	char	*end;

	if (strcmp(s, "NaN") == 0)
		*v = NAN;
	else if (strcmp(s, "+Inf") == 0)
		*v = INFINITY;
	else if (strcmp(s, "-Inf") == 0)
		*v = -INFINITY;
	else {
		if (s[0] == '\0' || s[strspn(s, "0123456789+-.eE")] != '\0')
			return -1;
		*v = strtod(s, &end);
		if (end == s || *end != '\0')
			return -1;
	}
	return 0;
}

/* [<timestamp>, "<value>"], the shape of a scalar and of a vector sample. */
static int
sample_value(const json_t *pair, double *v)
{
	const json_t *s;

	if (!json_is_array(pair) || json_array_size(pair) != 2 ||
	    !json_is_number(json_array_get(pair, 0)))
		return -1;
	s = json_array_get(pair, 1);
	if (!json_is_string(s))
		return -1;
	return parse_value(json_string_value(s), v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A series as Prometheus shows one: name{a="1", b="2"}, "{}" when it has no
 * labels (vector(5)), label names sorted. */
static void
r_series(struct reason *r, const json_t *metric)
{
	const char	**names, *name;
	const json_t	 *v, *mname;
	size_t		  n = 0, i;

	mname = json_object_get(metric, "__name__");
	if (mname != NULL)
		r_text(r, json_string_value(mname), json_string_length(mname),
		    QUOTE_MAX, 0);
	names = calloc(json_object_size(metric) + 1, sizeof(*names));
	if (names == NULL) {
		r_add(r, "{...}", 5);
		return;
	}
	json_object_foreach((json_t *)metric, name, v)
		if (strcmp(name, "__name__") != 0)
			names[n++] = name;
	qsort(names, n, sizeof(*names), cmp_str);
	if (n > 0 || mname == NULL)
		r_add(r, "{", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			r_add(r, ", ", 2);
		r_text(r, names[i], strlen(names[i]), QUOTE_MAX, 0);
		r_add(r, "=\"", 2);
		v = json_object_get(metric, names[i]);
		r_text(r, json_string_value(v), json_string_length(v), QUOTE_MAX,
		    1);
		r_add(r, "\"", 1);
	}
	if (n > 0 || mname == NULL)
		r_add(r, "}", 1);
	free(names);
}

/* A metric is an object of strings; Prometheus never sends anything else. */
static int
metric_valid(const json_t *metric)
{
	const char	*name;
	const json_t	*v;

	if (!json_is_object(metric))
		return 0;
	json_object_foreach((json_t *)metric, name, v)
		if (!json_is_string(v))
			return 0;
	return 1;
}

static void
unexpected(struct probe_result *out, long http_status, const char *what)
{
	struct reason r = { "", 0, 0 };

	r_printf(&r, "Prometheus answered HTTP %ld with an unexpected body: %s",
	    http_status, what);
	finish(out, PROBE_QUERY_ERROR, NAN, &r);
}

/* "oldest is stale": NaN ranks above every number, as an age nobody knows. */
static int
older(double a, double b)
{
	if (isnan(b))
		return 0;
	return isnan(a) || a > b;
}

/* The verdict on the values: the oldest named, with max_age, and how many
 * series are too old when that is more than one. */
static void
verdict(struct probe_result *out, const json_t *oldest_metric, double oldest,
    size_t nstale, size_t n, int64_t max_age_ms)
{
	struct reason	 r = { "", 0, 0 };
	char		 age[64], max[64];

	if (oldest_metric != NULL)
		r_series(&r, oldest_metric);
	else
		r_printf(&r, "scalar result");
	duration_format(max_age_ms, max, sizeof(max));
	if (isnan(oldest))
		r_printf(&r, " is NaN, not an age (max_age %s", max);
	else {
		age_text(oldest, age, sizeof(age));
		r_printf(&r, " is %s old (max_age %s", age, max);
	}
	if (nstale > 1)
		r_printf(&r, ", %zu of %zu series too old", nstale, n);
	r_add(&r, ")", 1);
	finish(out, nstale > 0 ? PROBE_STALE : PROBE_FRESH, oldest, &r);
}

static void
judge_vector(const json_t *result, long http_status, int64_t max_age_ms,
    struct probe_result *out)
{
	const json_t	*s, *metric, *oldest_metric = NULL;
	double		 max_s = (double)max_age_ms / 1000, v, oldest = 0;
	size_t		 i, nstale = 0;
	struct reason	 r = { "", 0, 0 };

	if (json_array_size(result) == 0) {
		r_printf(&r, "query returned no series");
		finish(out, PROBE_EMPTY, NAN, &r);
		return;
	}
	json_array_foreach(result, i, s) {
		metric = json_object_get(s, "metric");
		if (!json_is_object(s) || !metric_valid(metric) ||
		    sample_value(json_object_get(s, "value"), &v) == -1) {
			unexpected(out, http_status,
			    "a vector sample is not {\"metric\": {...}, "
			    "\"value\": [time, \"number\"]}");
			return;
		}
		if (!(v <= max_s))
			nstale++;
		if (oldest_metric == NULL || older(v, oldest)) {
			oldest = v;
			oldest_metric = metric;
		}
	}
	verdict(out, oldest_metric, oldest, nstale, json_array_size(result),
	    max_age_ms);
}

void
prober_judge(long http_status, const char *body, size_t len,
    int64_t max_age_ms, struct probe_result *out)
{
	json_t		*root, *data, *result;
	const char	*status, *type;
	json_error_t	 je;
	struct reason	 r = { "", 0, 0 };
	double		 v;

	memset(out, 0, sizeof(*out));
	if ((root = json_loadb(body, len, 0, &je)) == NULL) {
		/* A proxy's or a wrong server's page: say what came back. */
		if (http_status != 200 && len > 0) {
			const char *nl = memchr(body, '\n', len);

			r_printf(&r, "Prometheus answered HTTP %ld: ", http_status);
			r_text(&r, body, nl != NULL ? (size_t)(nl - body) : len,
			    QUOTE_MAX, 0);
		} else if (http_status != 200)
			r_printf(&r, "Prometheus answered HTTP %ld with an empty "
			    "body", http_status);
		else {
			r_printf(&r, "Prometheus answered with a body that is "
			    "not JSON: ");
			r_cstr(&r, je.text);
		}
		finish(out, PROBE_QUERY_ERROR, NAN, &r);
		return;
	}
	status = json_string_value(json_object_get(root, "status"));
	if (status != NULL && strcmp(status, "error") == 0) {
		const char *etype = json_string_value(json_object_get(root,
		    "errorType"));
		const char *emsg = json_string_value(json_object_get(root,
		    "error"));

		r_printf(&r, "Prometheus query error");
		if (etype != NULL) {
			r_add(&r, " (", 2);
			r_cstr(&r, etype);
			r_add(&r, ")", 1);
		}
		r_add(&r, ": ", 2);
		r_cstr(&r, emsg != NULL ? emsg : "no error message");
		finish(out, PROBE_QUERY_ERROR, NAN, &r);
		goto out;
	}
	if (status == NULL || strcmp(status, "success") != 0) {
		unexpected(out, http_status, "\"status\" is neither "
		    "\"success\" nor \"error\"");
		goto out;
	}
	data = json_object_get(root, "data");
	type = json_string_value(json_object_get(data, "resultType"));
	result = json_object_get(data, "result");
	if (type == NULL || result == NULL) {
		unexpected(out, http_status, "no data.resultType or data.result");
		goto out;
	}
	if (strcmp(type, "vector") == 0 && json_is_array(result))
		judge_vector(result, http_status, max_age_ms, out);
	else if (strcmp(type, "scalar") == 0) {
		if (sample_value(result, &v) == -1)
			unexpected(out, http_status, "a scalar is not "
			    "[time, \"number\"]");
		else
			verdict(out, NULL, v, !(v <= (double)max_age_ms / 1000),
			    1, max_age_ms);
	} else if (strcmp(type, "matrix") == 0 || strcmp(type, "string") == 0) {
		r_printf(&r, "query returned a %s, not an instant vector or a "
		    "scalar", type);
		finish(out, PROBE_QUERY_ERROR, NAN, &r);
	} else
		unexpected(out, http_status, "data.resultType is not one of "
		    "vector, scalar, matrix, string");
out:
	json_decref(root);
}

/* application/x-www-form-urlencoded, every byte but the unreserved ones
 * percent-encoded. */
static int
form_value(struct buf *b, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	char			esc[3];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			if (buf_addc(b, (char)c) == -1)
				return -1;
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 0xf];
		if (buf_add(b, esc, sizeof(esc)) == -1)
			return -1;
	}
	return 0;
}

void
prober_run(const struct wd_freshness *f, struct probe_result *out)
{
	struct http_request	 req;
	struct http_response	 resp;
	struct buf		 url, form;
	struct terr		 err = { "" };
	struct reason		 r = { "", 0, 0 };
	size_t			 blen;
	char			 d[64];

	memset(out, 0, sizeof(*out));
	http_response_init(&resp);
	buf_init(&url, 0);
	buf_init(&form, 0);
	blen = strlen(f->prometheus_url);
	while (blen > 0 && f->prometheus_url[blen - 1] == '/')
		blen--;
	if (buf_add(&url, f->prometheus_url, blen) == -1 ||
	    buf_adds(&url, "/api/v1/query") == -1 ||
	    buf_adds(&form, "query=") == -1 || form_value(&form, f->query) == -1) {
		r_printf(&r, "out of memory building the Prometheus query");
		finish(out, PROBE_QUERY_ERROR, NAN, &r);
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.url = buf_str(&url);
	req.content_type = "application/x-www-form-urlencoded";
	req.body = buf_str(&form);
	req.body_len = form.len;
	req.connect_timeout_ms = (long)f->timeout_ms;
	req.timeout_ms = (long)f->timeout_ms;
	if (http_post(&req, &resp, &err) == 0 && resp.truncated) {
		/* A cut answer is no answer to judge: stale, never fine. */
		r_printf(&r, "Prometheus answer too large: more than %zu bytes",
		    resp.body.cap);
		finish(out, PROBE_QUERY_ERROR, NAN, &r);
		goto out;
	}
	if (resp.fail == HTTP_FAIL_NONE) {
		prober_judge(resp.status, buf_str(&resp.body), resp.body.len,
		    f->max_age_ms, out);
		goto out;
	}
	/* err names the URL redacted: user:password@ never gets this far. */
	switch (resp.fail) {
	case HTTP_FAIL_TIMEOUT:
		duration_format(f->timeout_ms, d, sizeof(d));
		r_printf(&r, "Prometheus timed out: no answer within %s", d);
		finish(out, PROBE_TIMEOUT, NAN, &r);
		break;
	default:
		r_printf(&r, "Prometheus unreachable: ");
		r_cstr(&r, err.msg);
		finish(out, PROBE_UNREACHABLE, NAN, &r);
		break;
	}
out:
	buf_free(&form);
	buf_free(&url);
	http_response_free(&resp);
}

bool
prober_same_question(const struct wd_freshness *a, const struct wd_freshness *b)
{
	return strcmp(a->prometheus_url, b->prometheus_url) == 0 &&
	    strcmp(a->query, b->query) == 0 && a->max_age_ms == b->max_age_ms;
}

const char *
probe_status_name(enum probe_status s)
{
	switch (s) {
	case PROBE_FRESH:
		return "fresh";
	case PROBE_STALE:
		return "stale";
	case PROBE_EMPTY:
		return "empty";
	case PROBE_QUERY_ERROR:
		return "query_error";
	case PROBE_UNREACHABLE:
		return "unreachable";
	case PROBE_TIMEOUT:
		return "timeout";
	}
	return "unknown";
}
