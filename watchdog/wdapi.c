/* wdapi.c: the watchdog's HTTP handlers (see wdapi.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "payload.h"
#include "wdapi.h"

/* A name from the URL as it may be echoed: check name characters only,
 * others replaced, at most CHECK_NAME_MAX bytes, so an answer stays one
 * line and quotes nothing odd. */
static const char *
shown(const char *s, char *out, size_t len)
{
	size_t	 i;

	for (i = 0; s[i] && i + 1 < len; i++)
		out[i] = (s[i] >= 0x21 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\') ?
		    s[i] : '?';
	out[i] = '\0';
	return out;
}

static void
reply_unknown(struct httpd_req *req, const char *name)
{
	char	 b[CHECK_NAME_MAX + 1];

	httpd_reply_text(req, 404, "unknown check \"%s\"", shown(name, b, sizeof(b)));
}

/* Where a check of each kind is fed, for the 409's hint. */
static void
reply_wrong_kind(struct httpd_req *req, const char *name, enum check_kind kind,
    const char *asked)
{
	switch (kind) {
	case CHECK_HEARTBEAT:
		httpd_reply_text(req, 409, "check \"%s\" is a heartbeat check, not a %s "
		    "check: Alertmanager posts to /heartbeat/%s", name, asked, name);
		break;
	case CHECK_PING:
		httpd_reply_text(req, 409, "check \"%s\" is a ping check, not a %s "
		    "check: ping /ping/%s", name, asked, name);
		break;
	case CHECK_FRESHNESS:
		httpd_reply_text(req, 409, "check \"%s\" is a freshness check, not a %s "
		    "check: it is fed by its Prometheus query", name, asked);
		break;
	}
}

/* The reason as one line of an answer. */
static const char *
one_line(char *s)
{
	char	*p;

	for (p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

static void
reply_signal(struct httpd_req *req, enum wdstate_result res, const char *name,
    enum check_kind actual, const char *asked, struct terr *err)
{
	switch (res) {
	case WDSTATE_OK:
	case WDSTATE_PENDING:	/* never here: answered once stored */
		httpd_reply_text(req, 200, "OK");
		break;
	case WDSTATE_UNKNOWN:
		reply_unknown(req, name);
		break;
	case WDSTATE_WRONG_KIND:
		reply_wrong_kind(req, name, actual, asked);
		break;
	case WDSTATE_FAILED:
		httpd_reply_text(req, 503, "check \"%s\": %s", name, one_line(err->msg));
		break;
	}
}

/* A ping's 200 says how much of a body is kept, as Healthchecks' does, so
 * that a client such as runitor sends the end of a long output (where the
 * error usually is) rather than have it cut off. */
static void
reply_ping_ok(struct httpd_req *req)
{
	char		 limit[24];
	const char	*const hdrs[] = { "Ping-Body-Limit", limit, NULL };

	snprintf(limit, sizeof(limit), "%d", CHECK_MSG_MAX);
	httpd_reply_headers(req, 200, "text/plain; charset=utf-8", "OK\n", 3, hdrs);
}

/* Alertmanager sends application/json; a missing type is fine too (curl). */
static int
content_type_ok(const char *ct)
{
	size_t	 n = strlen("application/json");

	if (ct == NULL || *ct == '\0')
		return 1;
	if (strncasecmp(ct, "application/json", n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static void
handle_heartbeat(struct httpd_req *req, void *arg)
{
	struct wdstate		*ws = arg;
	const char		*name = httpd_req_rest(req), *body;
	struct notification	*n;
	enum check_kind		 kind;
	enum wdstate_result	 res;
	struct terr		 err;
	size_t			 len, i, firing = 0;

	if (strchr(name, '/') != NULL || !wdstate_kind(ws, name, &kind)) {
		reply_unknown(req, name);
		return;
	}
	if (kind != CHECK_HEARTBEAT) {
		reply_wrong_kind(req, name, kind, "heartbeat");
		return;
	}
	if (!content_type_ok(httpd_req_header(req, "Content-Type"))) {
		httpd_reply_text(req, 415, "unsupported Content-Type, want application/json");
		return;
	}
	body = httpd_req_body(req, &len);
	if ((n = payload_parse(body, len, &err)) == NULL) {
		httpd_reply_text(req, 400, "%s", err.msg);
		return;
	}
	for (i = 0; i < n->nalerts; i++)
		if (n->alerts[i].status == ALERT_FIRING)
			firing++;
	notification_free(n);
	/* A resolved Watchdog alert means its rule stopped firing: that is
	 * the silence the check is for, never a sign of life. 200 all the
	 * same, so Alertmanager does not retry it. */
	if (firing == 0) {
		log_debug("Heartbeat without a firing alert not counted", "check", name);
		httpd_reply_text(req, 200, "OK (no firing alert: not counted as a heartbeat)");
		return;
	}
	res = wdstate_signal(ws, name, CHECK_HEARTBEAT, CHECK_SIG_SUCCESS, NULL, 0, NULL,
	    &kind, &err);
	reply_signal(req, res, name, kind, "heartbeat", &err);
}

/* A ping waiting for its commit. */
struct ping_wait {
	struct httpd_req	*req;
	char			 name[CHECK_NAME_MAX + 2];
	enum wdstate_result	 res;
	enum check_kind		 kind;
	struct terr		 err;
};

/* Runs when the ping's request resumes: its answer. */
static void
answer_ping(struct httpd_req *req, void *arg)
{
	struct ping_wait	*w = arg;

	if (w->res == WDSTATE_OK)
		reply_ping_ok(req);
	else
		reply_signal(req, w->res, w->name, w->kind, "ping", &w->err);
	free(w);
}

/* The store's committer: the ping's state is durable, or not. */
static void
ping_stored(void *arg, const char *name, int rc, const struct terr *err)
{
	struct ping_wait	*w = arg;

	w->res = rc == 0 ? WDSTATE_OK : WDSTATE_FAILED;
	if (rc == -1) {
		w->err = *err;
		log_error("Check state not stored", "check", name, "err", err->msg);
	}
	httpd_resume(w->req);
}

/* The signal, answered once it is durable: the request is suspended while
 * the store's group commit runs, so no server thread waits for the fsync
 * (as the relay's intake does). */
static void
signal_ping(struct httpd_req *req, struct wdstate *ws, const char *name,
    enum check_signal_kind sig, const char *rid, const char *body, size_t len,
    const char *why)
{
	struct ping_wait	*w;
	enum wdstate_result	 res;
	enum check_kind		 kind = CHECK_PING;
	struct terr		 err;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		httpd_reply_text(req, 500, "out of memory");
		return;
	}
	w->req = req;
	snprintf(w->name, sizeof(w->name), "%s", name);
	httpd_suspend(req, answer_ping, w);
	res = wdstate_signal_async(ws, name, CHECK_PING, sig, rid, body, len, why,
	    &kind, ping_stored, w, &err);
	/* Pending: w is ping_stored's now, and may be gone already. */
	if (res == WDSTATE_PENDING)
		return;
	w->res = res;
	w->kind = kind;
	if (res == WDSTATE_FAILED)
		w->err = err;
	httpd_resume(req);
}

static void
handle_ping(struct httpd_req *req, void *arg)
{
	struct wdstate		*ws = arg;
	const char		*rest = httpd_req_rest(req), *slash, *suffix, *body;
	const char		*rid = httpd_req_query(req, "rid");
	char			 name[CHECK_NAME_MAX + 2], reason[48], *end;
	enum check_signal_kind	 sig = CHECK_SIG_SUCCESS;
	const char		*why = NULL;
	size_t			 len, nl;
	long			 code;

	slash = strchr(rest, '/');
	nl = slash ? (size_t)(slash - rest) : strlen(rest);
	if (nl >= sizeof(name) - 1) {
		reply_unknown(req, rest);
		return;
	}
	memcpy(name, rest, nl);
	name[nl] = '\0';
	suffix = slash ? slash + 1 : "";
	if (*suffix == '\0')
		sig = CHECK_SIG_SUCCESS;
	else if (strcmp(suffix, "start") == 0)
		sig = CHECK_SIG_START;
	else if (strcmp(suffix, "log") == 0)
		sig = CHECK_SIG_LOG;
	else if (strcmp(suffix, "fail") == 0) {
		sig = CHECK_SIG_FAIL;
		why = "failure reported (/fail)";
	} else if (strspn(suffix, "0123456789") == strlen(suffix) && strlen(suffix) <= 9) {
		code = strtol(suffix, &end, 10);
		if (code > 255) {
			httpd_reply_text(req, 400, "exit status must be 0-255, got %ld", code);
			return;
		}
		if (code != 0) {
			sig = CHECK_SIG_FAIL;
			snprintf(reason, sizeof(reason), "exit status %ld", code);
			why = reason;
		}
	} else {
		httpd_reply_text(req, 404, "unknown ping endpoint: want /ping/<name>, "
		    "/ping/<name>/start, /ping/<name>/fail, /ping/<name>/log or "
		    "/ping/<name>/<0-255>");
		return;
	}
	/* Run ids as Healthchecks takes them; "?rid=" is none. */
	if (rid != NULL && rid[0] != '\0' && check_rid_valid(rid) == -1) {
		httpd_reply_text(req, 400, "rid must be a UUID in canonical form "
		    "(8-4-4-4-12 lower-case hex digits)");
		return;
	}
	if (strcmp(httpd_req_method(req), "POST") == 0)
		body = httpd_req_body(req, &len);
	else if (sig == CHECK_SIG_LOG) {
		/* A log without a body has no message to record. */
		body = NULL;
		len = 0;
	} else {
		/* Each ping replaces the last message, as Healthchecks shows
		 * the last ping's body; a GET has none. */
		body = "";
		len = 0;
	}
	signal_ping(req, ws, name, sig, rid, body, len, why);
}

/* ?limit=: 0 when absent, -1 (answered 400) when not 1..WDSTATE_PAGE_MAX. */
static long
page_limit(struct httpd_req *req)
{
	const char	*s = httpd_req_query(req, "limit");
	long		 n;

	if (s == NULL)
		return 0;
	if (*s == '\0' || strlen(s) > 6 || strspn(s, "0123456789") != strlen(s) ||
	    (n = strtol(s, NULL, 10)) < 1 || n > WDSTATE_PAGE_MAX) {
		httpd_reply_text(req, 400, "limit must be a number from 1 to %d",
		    WDSTATE_PAGE_MAX);
		return -1;
	}
	return n;
}

static void
handle_checks(struct httpd_req *req, void *arg)
{
	const char	*after = httpd_req_query(req, "after");
	char		*json, b[CHECK_NAME_MAX + 1];
	bool		 unknown;
	long		 limit;

	if ((limit = page_limit(req)) == -1)
		return;
	if (after != NULL && limit == 0) {
		httpd_reply_text(req, 400, "after needs limit");
		return;
	}
	if ((json = wdstate_checks_json(arg, (size_t)limit, after, &unknown)) == NULL) {
		if (unknown)
			httpd_reply_text(req, 400, "after: unknown check \"%s\"",
			    shown(after, b, sizeof(b)));
		else
			httpd_reply_text(req, 500, "out of memory");
		return;
	}
	httpd_reply(req, 200, "application/json", json, strlen(json));
	free(json);
}

/* POST /api/v1/checks/<name>/pause or /resume. */
static void
handle_check_action(struct httpd_req *req, void *arg)
{
	const char		*rest = httpd_req_rest(req), *slash;
	char			 name[CHECK_NAME_MAX + 2];
	enum wdstate_result	 res;
	struct terr		 err;
	size_t			 nl;
	bool			 pause;

	if ((slash = strchr(rest, '/')) == NULL ||
	    (strcmp(slash, "/pause") != 0 && strcmp(slash, "/resume") != 0)) {
		httpd_reply_text(req, 404, "want /api/v1/checks/<name>/pause or /resume");
		return;
	}
	pause = strcmp(slash, "/pause") == 0;
	nl = (size_t)(slash - rest);
	if (nl >= sizeof(name) - 1) {
		reply_unknown(req, rest);
		return;
	}
	memcpy(name, rest, nl);
	name[nl] = '\0';
	res = wdstate_pause(arg, name, pause, &err);
	reply_signal(req, res, name, CHECK_PING, "", &err);
}

int
wdapi_register(struct httpd *h, struct wdstate *ws)
{
	if (httpd_handle(h, "POST", "/heartbeat/", true, "/heartbeat/{check}",
	    handle_heartbeat, ws) == -1 ||
	    httpd_handle(h, "GET", "/ping/", true, "/ping/{check}", handle_ping, ws) == -1 ||
	    httpd_handle(h, "POST", "/ping/", true, "/ping/{check}", handle_ping, ws) == -1 ||
	    httpd_handle(h, "GET", "/api/v1/checks", false, NULL, handle_checks, ws) == -1 ||
	    httpd_handle(h, "POST", "/api/v1/checks/", true, "/api/v1/checks/{check}/{action}",
	    handle_check_action, ws) == -1)
		return -1;
	return 0;
}
