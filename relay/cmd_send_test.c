/* cmd_send_test.c: `tocsin-relay send-test --config.file=F --receiver=NAME`,
 * which sends a sample notification to every integration of one receiver
 * through the path the daemon uses (its templates, renderers and senders,
 * Telegram's split, plain-text fallback and migration included) and says
 * per integration whether it arrived, so a token or a webhook URL can be
 * checked before an alert depends on it. Nothing is queued: the answer is
 * what the service said now. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "relay_cmd.h"
#include "config.h"
#include "filesink.h"
#include "flags.h"
#include "log.h"
#include "matcher.h"
#include "pipeline.h"
#include "redact.h"
#include "sender.h"
#include "synthetic.h"
#include "tmpl.h"
#include "config_tmpl.h"

#define SEND_TEST_USAGE \
	"tocsin-relay send-test --config.file=FILE --receiver=NAME [--start=TIME] " \
	"[--web.external-url=URL] [--template.alertmanager-version=0.34|0.25] " \
	"[label=value...]\n\n" \
	"Sends a sample notification (one firing alert with the given labels) " \
	"through every integration of one receiver, now, and prints one result " \
	"line each; exits 0 only when all of them delivered."

/* A wait the service asks for (Telegram retry_after, HTTP Retry-After) is
 * waited out and the part sent again while the waits add up to at most
 * this; anything longer, and every other temporary failure, is reported at
 * once: the command checks a path now, the daemon is what retries. */
#define SEND_TEST_MAX_WAIT_MS	10000

static int
fail(const char *msg)
{
	fprintf(stderr, "tocsin-relay: error: %s\n", msg);
	return 1;
}

/* The sample: what a firing alert from a rule looks like, labelled so that
 * it is obviously a test. severity="info" keeps a silent_unless receiver
 * quiet unless the labels given on the command line say otherwise. */
static struct notification *
sample(const char *receiver, const struct kv *extra, const struct tstamp *start,
    const char *external_url, struct terr *err)
{
	struct notification	*n = NULL;
	struct kv		 labels, ann;
	char			 desc[512];

	kv_init(&labels);
	kv_init(&ann);
	snprintf(desc, sizeof(desc), "tocsin-relay send-test sent this to "
	    "receiver %s to check that its notifications reach you.", receiver);
	if (kv_set(&labels, "alertname", "TestAlert") == -1 ||
	    kv_set(&labels, "severity", "info") == -1 ||
	    kv_set(&ann, "summary", "Test notification from tocsin") == -1 ||
	    kv_set(&ann, "description", desc) == -1) {
		terr_set(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < extra->n; i++)
		if (kv_set(&labels, extra->v[i].name, extra->v[i].value) == -1) {
			terr_set(err, "out of memory");
			goto out;
		}
	n = synthetic_notification(receiver, &labels, &ann, start, external_url, err);
 out:
	kv_free(&labels);
	kv_free(&ann);
	return n;
}

/* Each argument one label=value, as `amtool alert add` takes them. */
static int
parse_labels(const char **args, int n, struct kv *labels, struct terr *err)
{
	struct matcher	*m;
	int		 rc;

	for (int i = 0; i < n; i++) {
		if ((m = matcher_parse(args[i], err)) == NULL)
			return terr_prefix(err, "invalid label %s", args[i]);
		if (matcher_type(m) != MATCH_EQ) {
			matcher_free(m);
			return terr_set(err, "invalid label %s: labels must be "
			    "given as name=value", args[i]);
		}
		rc = kv_set(labels, matcher_name(m), matcher_value(m));
		matcher_free(m);
		if (rc == -1)
			return terr_set(err, "out of memory");
	}
	if (kv_get(labels, "alertname") != NULL && *kv_get(labels, "alertname") == '\0')
		return terr_set(err, "invalid label alertname=: it must not be empty");
	return 0;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec	 ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* One part, honouring the service's short waits (SEND_TEST_MAX_WAIT_MS in
 * all, shared by the parts of one integration). */
static void
send_part(const struct sender_ops *ops, const void *cfg,
    const struct sender_send_ctx *ctx, const struct sender_part *p,
    int64_t *waited, struct send_result *r)
{
	for (;;) {
		memset(r, 0, sizeof(*r));
		r->status = SEND_TEMPFAIL;
		r->retry_after_ms = -1;
		ops->send(cfg, ctx, p->dest, p->payload, p->len, r);
		if (r->status != SEND_TEMPFAIL || r->retry_after_ms < 0 ||
		    *waited + r->retry_after_ms > SEND_TEST_MAX_WAIT_MS)
			return;
		*waited += r->retry_after_ms;
		sleep_ms(r->retry_after_ms);
	}
}

/* Renders and sends one integration; prints its line; 0 when delivered. */
static int
test_integration(const struct receiver *rcv, const char *integ,
    const struct notification *n, const struct sender_render_ctx *rctx,
    struct sender_memo *memo, const struct redactor *secrets)
{
	const struct sender_ops	*ops;
	const void		*cfg;
	struct sender_parts	 parts = { 0 };
	struct sender_send_ctx	 sctx;
	struct send_result	 r;
	struct terr		 err;
	int64_t			 waited = 0;
	size_t			 i;
	int			 rc = -1;

	if (sender_lookup(rcv, integ, &ops, &cfg) == -1) {
		printf("%s: permanent failure: no sender for this integration\n", integ);
		return -1;
	}
	if (ops->render(cfg, n, rctx, &parts, &err) == -1) {
		printf("%s: permanent failure: cannot render: %s\n", integ, err.msg);
		return -1;
	}
	if (parts.n == 0) {
		/* Only a resolved notification renders to nothing. */
		printf("%s: permanent failure: rendered to no message\n", integ);
		goto out;
	}
	memset(&sctx, 0, sizeof(sctx));
	sctx.receiver = rcv->name;
	sctx.integration = integ;
	sctx.memo = memo;
	for (i = 0; i < parts.n; i++) {
		send_part(ops, cfg, &sctx, &parts.v[i], &waited, &r);
		/* What the service answered may quote the request. */
		redactor_fix(secrets, r.reason, sizeof(r.reason));
		if (r.status != SEND_OK)
			break;
	}
	if (i == parts.n) {
		if (parts.n > 1)
			printf("%s: delivered (%zu parts)\n", integ, parts.n);
		else
			printf("%s: delivered\n", integ);
		rc = 0;
	} else if (parts.n > 1)
		printf("%s: %s failure: %s (part %zu of %zu)\n", integ,
		    r.status == SEND_PERMFAIL ? "permanent" : "temporary",
		    r.reason, i + 1, parts.n);
	else
		printf("%s: %s failure: %s\n", integ,
		    r.status == SEND_PERMFAIL ? "permanent" : "temporary", r.reason);
 out:
	sender_parts_free(&parts);
	return rc;
}

/* A file_config gets the notification as the daemon writes it: one JSON
 * line, fsynced. */
static int
test_file(const struct file_config *fc, size_t idx, const struct notification *n,
    struct filesink *files)
{
	struct terr	 err;
	char		*line = NULL;
	size_t		 len;
	int		 rc = -1;

	if (pipeline_file_line(n, fc->send_resolved, &line, &len, &err) == -1)
		goto fail;
	if (line == NULL) {
		/* Only a resolved notification gives no line. */
		printf("file/%zu: permanent failure: rendered to no message\n", idx);
		return -1;
	}
	/* A path of "-" is stdout, written with write(2): the lines printed
	 * so far go first. */
	fflush(stdout);
	if (filesink_append(files, fc->path, line, len, &err) == -1)
		goto fail;
	printf("file/%zu: delivered\n", idx);
	rc = 0;
	goto out;
 fail:
	printf("file/%zu: temporary failure: %s\n", idx, err.msg);
 out:
	free(line);
	return rc;
}

/* Alertmanager's default --web.external-url: http://<host name>:9093. */
static void
default_external_url(char *out, size_t len)
{
	char	 host[256];

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, len, "http://%s:9093", host);
}

int
cmd_send_test(int argc, char **argv)
{
	const char		*file = NULL, *name = NULL, *start = NULL, *ext = NULL;
	bool			 help = false, help_man = false;
	const char		*am_s = NULL;
	enum tmpl_am_version	 am;
	struct flag_list	 pos = { NULL, 0 };
	struct config		*cfg = NULL;
	struct tmpl_set		*tmpl = NULL;
	struct notification	*n = NULL;
	struct sender_memo	*memo = NULL;
	struct filesink		*files = NULL;
	const struct receiver	*rcv;
	struct sender_render_ctx rctx;
	const struct tmpl_builtin *const builtins[] = { &tmpl_builtin_tocsin };
	struct tstamp		 ts;
	struct kv		 labels;
	struct terr		 err;
	char			 integ[32], host_url[300];
	const struct sender_ops *ops;
	size_t			 k, i;
	int			 rc = 1, failed = 0;
	const struct flag flags[] = {
		{ "config.file", FLAG_STRING, &file, "tocsin configuration file name.", "FILE" },
		{ "receiver", FLAG_STRING, &name, "The receiver to send the sample to.", "NAME" },
		{ "start", FLAG_STRING, &start,
		  "StartsAt of the sample alert, RFC 3339 (default: now).", "TIME" },
		{ "web.external-url", FLAG_STRING, &ext,
		  "The Alertmanager URL the sample's links point at (default: http://<host name>:9093).",
		  "URL" },
		{ TMPL_AM_VERSION_FLAG, FLAG_STRING, &am_s, TMPL_AM_VERSION_HELP,
		  "0.34" },
		{ "help", FLAG_BOOL, &help, "Show this help.", NULL },
		{ "help-man", FLAG_BOOL, &help_man, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};

	kv_init(&labels);
	if (flags_parse(flags, argc, argv, &pos, &err) == -1) {
		rc = fail(err.msg);
		goto out;
	}
	if (flags_help_done(help, help_man, SEND_TEST_USAGE, flags)) {
		rc = 0;
		goto out;
	}
	if (file == NULL || name == NULL) {
		rc = fail(file == NULL ? "--config.file is required" : "--receiver is required");
		goto out;
	}
	if (tmpl_am_version_parse(am_s, &am, &err) == -1 ||
	    parse_labels(pos.v, pos.n, &labels, &err) == -1) {
		rc = fail(err.msg);
		goto out;
	}
	if (start != NULL) {
		if (tstamp_parse_rfc3339(start, &ts, &err) == -1) {
			terr_prefix(&err, "--start");
			rc = fail(err.msg);
			goto out;
		}
	} else {
		memset(&ts, 0, sizeof(ts));
		ts.sec = (int64_t)time(NULL);
		snprintf(ts.zone, sizeof(ts.zone), "UTC");
	}
	if (ext == NULL) {
		default_external_url(host_url, sizeof(host_url));
		ext = host_url;
	}
	/* Senders and renderers log what the daemon would (a plain-text
	 * fallback, a migration, a template error); here only trouble. */
	log_setup(LOGL_WARN, LOGF_LOGFMT);
	if ((cfg = config_load_file(file, &err)) == NULL) {
		rc = fail(err.msg);
		goto out;
	}
	log_set_redactor(config_redactor(cfg));
	if ((rcv = config_receiver(cfg, name)) == NULL) {
		snprintf(err.msg, sizeof(err.msg), "--receiver: no receiver named "
		    "\"%s\" in %s", name, file);
		rc = fail(err.msg);
		goto out;
	}
	if (receiver_sender_count(rcv) + receiver_count(rcv, &channel_file) == 0) {
		snprintf(err.msg, sizeof(err.msg), "receiver \"%s\" has no "
		    "integrations: nothing to send", name);
		rc = fail(err.msg);
		goto out;
	}
	if ((tmpl = tmpl_set_for_config_am(cfg, am, builtins, 1, &err)) == NULL ||
	    (n = sample(name, &labels, &ts, ext, &err)) == NULL ||
	    (memo = sender_memo_open(NULL, &err)) == NULL) {
		rc = fail(err.msg);
		goto out;
	}
	if ((files = filesink_new()) == NULL) {
		rc = fail("out of memory");
		goto out;
	}
	memset(&rctx, 0, sizeof(rctx));
	rctx.tmpl = tmpl;
	for (k = 0; (ops = sender_kind_at(k)) != NULL; k++)
		for (i = 0; i < sender_kind_count(rcv, k); i++) {
			snprintf(integ, sizeof(integ), "%s/%zu", ops->name, i);
			if (test_integration(rcv, integ, n, &rctx, memo,
			    config_redactor(cfg)) == -1)
				failed++;
		}
	for (i = 0; i < receiver_count(rcv, &channel_file); i++)
		if (test_file(receiver_config(rcv, &channel_file, i), i, n,
		    files) == -1)
			failed++;
	rc = failed ? 1 : 0;
 out:
	fflush(stdout);
	filesink_free(files);
	sender_memo_free(memo);
	notification_free(n);
	tmpl_set_free(tmpl);
	log_set_redactor(NULL);
	config_free(cfg);
	kv_free(&labels);
	free(pos.v);
	return rc;
}
