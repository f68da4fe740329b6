/* intake.c: the /webhook handlers: HTTP in, the pipeline (core/delivery)
 * on the payload, files written and messages queued before the answer, so
 * Alertmanager's 200 means "written or durably queued". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert.h"
#include "buf.h"
#include "clock.h"
#include "deliver.h"
#include "intake.h"
#include "log.h"
#include "outbox.h"
#include "payload.h"
#include "pipeline.h"
#include "receiver.h"
#include "tmpl.h"

struct intake {
	struct filesink	*files;
	struct outbox	*ob;
	int64_t		 dedup_window_ms;
	const struct action_links *links;	/* NULL: none */
	struct metric	*m_alerts;
	struct metric	*m_notifications;
	struct metric	*m_fallbacks;
	struct metric	*m_failed;
	struct metric	*m_queued;
	struct metric	*m_dedup;
	struct metric	*m_render_failed;
};

struct intake *
intake_new(struct metrics *metrics, struct filesink *files, struct terr *err)
{
	static const char *const sl[] = { "status", NULL };
	static const char *const ri[] = { "receiver", "integration", NULL };
	static const char *const rl[] = { "receiver", NULL };
	struct intake	*in;

	if ((in = calloc(1, sizeof(*in))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	in->files = files;
	in->m_alerts = metrics_counter(metrics, "tocsin_alerts_received_total",
	    "Total number of alerts received in webhook payloads, by status.", sl);
	in->m_notifications = metrics_counter(metrics, "tocsin_notifications_total",
	    "Total number of notifications written by file_configs integrations, by receiver and integration.", ri);
	in->m_failed = metrics_counter(metrics, "tocsin_notifications_failed_total",
	    "Total number of notifications that could not be delivered, by receiver and integration.", ri);
	in->m_fallbacks = metrics_counter(metrics, "tocsin_template_fallbacks_total",
	    "Total number of templated fields that failed to render and went out with the fallback text, by receiver.", rl);
	in->m_queued = metrics_counter(metrics, "tocsin_notifications_queued_total",
	    "Total number of messages committed to the queue for sending, by receiver.", rl);
	in->m_dedup = metrics_counter(metrics, "tocsin_notifications_deduplicated_total",
	    "Total number of messages not queued again because the same notification was accepted within the dedup window, by receiver.", rl);
	in->m_render_failed = metrics_counter(metrics, "tocsin_notifications_render_failed_total",
	    "Total number of integrations skipped because they could not be rendered at all (e.g. an e-mail envelope that is not addresses), by receiver.", rl);
	if (in->m_alerts == NULL || in->m_notifications == NULL || in->m_failed == NULL ||
	    in->m_fallbacks == NULL || in->m_queued == NULL || in->m_dedup == NULL ||
	    in->m_render_failed == NULL) {
		terr_set(err, "cannot register intake metrics");
		intake_free(in);
		return NULL;
	}
	return in;
}

void
intake_free(struct intake *in)
{
	free(in);
}

void
intake_set_outbox(struct intake *in, struct outbox *ob, int64_t dedup_window_ms)
{
	in->ob = ob;
	in->dedup_window_ms = dedup_window_ms;
}

void
intake_set_links(struct intake *in, const struct action_links *links)
{
	in->links = links;
}


/* Alertmanager accepts what its own webhook sends; we accept a missing type
 * too (curl, scripts) and refuse anything that says it is not JSON. */
static bool
content_type_ok(const char *ct)
{
	size_t	 n = strlen("application/json");

	if (ct == NULL || *ct == '\0')
		return true;
	if (strncasecmp(ct, "application/json", n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static void
count(struct metric *m, const char *a, const char *b)
{
	(void)metric_add(m, (const char *const[]){ a, b }, 1);
}

/* The messages of one request on their way into the store: rendered into
 * one batch while the request runs, committed while it is suspended, and
 * counted and answered when it resumes. */
struct intake_wait {
	struct intake		*in;
	struct outbox_gen	*gen;		/* held until the answer */
	struct deliver_batch	*batch;
	const struct receiver	**rcvs;		/* per deliver_batch_add call */
	size_t			 nrcvs;
	struct httpd_req	*req;
	int			 rc;		/* the store's outcome */
	struct terr		 err;
};

static void
wait_free(struct intake_wait *w)
{
	if (w == NULL)
		return;
	deliver_batch_free(w->batch);
	free(w->rcvs);
	free(w);
}

/* Renders the telegram, slack, email and webhook messages of n into the
 * request's batch. Without an open queue it fails, so Alertmanager gets a
 * 503 and retries: a 200 must never stand for a message that is not
 * stored. */
static int
render(struct intake *in, struct intake_wait *w, const struct receiver *rcv,
    const struct notification *n, struct terr *err)
{
	uint64_t		 fallbacks = 0;
	struct tmpl_opts	 opts = { .fallbacks = &fallbacks };
	struct sender_render_ctx ctx = { .tmpl = outbox_gen_templates(w->gen),
	    .opts = &opts, .links = in->links };
	const char *const	 rl[] = { rcv->name, NULL };
	const struct receiver	**nr;
	int			 rc;

	if (receiver_sender_count(rcv) == 0)
		return 0;
	if (outbox_store(in->ob) == NULL)
		return terr_set(err, "the delivery queue is not open");
	if (ctx.tmpl == NULL)
		return terr_set(err, "no templates loaded");
	if ((nr = reallocarray(w->rcvs, w->nrcvs + 1, sizeof(*nr))) == NULL)
		return terr_set(err, "out of memory");
	w->rcvs = nr;
	rc = deliver_batch_add(w->batch, rcv, n, &ctx, err);
	/* Counted even when the batch fails later: the log lines were written. */
	if (fallbacks)
		(void)metric_add(in->m_fallbacks, rl, (double)fallbacks);
	if (rc == 0)
		nr[w->nrcvs++] = rcv;
	return rc;
}

/* Writes n to the receiver's files and renders it for its other
 * integrations into the request's batch. */
static int
deliver(struct intake *in, struct intake_wait *w, const struct pipeline_target *t,
    struct terr *err)
{
	const char *const ri[] = { t->rcv->name, "file", NULL };
	size_t	 written;
	int	 rc;

	rc = pipeline_write_files(in->files, t->rcv, t->n, &written, err);
	if (written)
		(void)metric_add(in->m_notifications, ri, (double)written);
	if (rc == -1) {
		count(in->m_failed, t->rcv->name, "file");
		return -1;
	}
	/* tocsin's own route labels, rendered once for all integrations */
	if (outbox_gen_templates(w->gen) != NULL &&
	    tmpl_render_route_labels(outbox_gen_templates(w->gen), t->n, NULL,
	    err) == -1)
		return -1;
	return render(in, w, t->rcv, t->n, err);
}

/* The reason as one line of an answer: a database's message may hold a
 * newline. */
static const char *
one_line(char *s)
{
	char	*p;

	for (p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

/* The name from the URL as it may be echoed: printable ASCII, quotes and
 * backslashes replaced, at most 64 bytes, so an answer stays one line. */
static const char *
printable(const char *s, char *out, size_t len)
{
	size_t	 i;

	for (i = 0; s[i] && i + 1 < len && i < 64; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\') ? s[i] : '?';
	out[i] = '\0';
	return out;
}

/* Counts what the store did with a request's messages and answers it: 200
 * once they are durable, 503 naming the receivers when none of them is.
 * Runs on a server thread when the request resumes. */
static void
answer_stored(struct httpd_req *req, void *arg)
{
	struct intake_wait	*w = arg;
	struct intake		*in = w->in;
	struct deliver_result	 res;
	struct buf		 names;
	size_t			 i;

	if (w->rc == -1) {
		buf_init(&names, 4096);
		for (i = 0; i < w->nrcvs; i++)
			if (buf_printf(&names, "%s%s", i ? ", " : "", w->rcvs[i]->name) == -1)
				break;	/* the cap: the first names say enough */
		log_error("Notification not stored", w->nrcvs > 1 ? "receivers" : "receiver",
		    buf_str(&names), "err", w->err.msg);
		httpd_reply_text(req, 503, "%s %s: %s", w->nrcvs > 1 ? "receivers" : "receiver",
		    buf_str(&names), one_line(w->err.msg));
		buf_free(&names);
		goto out;
	}
	for (i = 0; i < w->nrcvs; i++) {
		const char *const rl[] = { w->rcvs[i]->name, NULL };

		deliver_batch_result(w->batch, i, &res);
		if (res.accepted)
			(void)metric_add(in->m_queued, rl, (double)res.accepted);
		if (res.duplicates) {
			(void)metric_add(in->m_dedup, rl, (double)res.duplicates);
			log_debug("Duplicate notification not queued again", "receiver",
			    w->rcvs[i]->name);
		}
		if (res.render_failed)
			(void)metric_add(in->m_render_failed, rl, (double)res.render_failed);
	}
	httpd_reply_text(req, 200, "OK");
 out:
	outbox_release(in->ob, w->gen);
	wait_free(w);
}

/* The store's committer: the batch is durable or failed. Only hands the
 * outcome over; the answer is written on a server thread. */
static void
stored(void *arg, int rc, const struct terr *err)
{
	struct intake_wait	*w = arg;

	w->rc = rc;
	if (rc == -1)
		w->err = *err;
	httpd_resume(w->req);
}

/* The shared part of both handlers. receiver is NULL to route through the
 * tree, or the name from the path. Files are written here; queued messages
 * are rendered here and committed while the request is suspended, so no
 * server thread waits for the fsync. */
static void
handle(struct httpd_req *req, struct intake *in, const char *receiver)
{
	struct outbox_gen	*ref;
	struct intake_wait	*w = NULL;
	const struct config	*cfg;
	struct notification *n = NULL;
	struct pipeline_targets ts = { NULL, 0 };
	size_t		 i, len;
	const char	*body;
	struct terr	 err;
	char		 shown[68];

	if (in->ob == NULL || (ref = outbox_hold(in->ob)) == NULL) {
		httpd_reply_text(req, 503, "no configuration loaded");
		return;
	}
	cfg = outbox_gen_config(ref);
	if (receiver && config_receiver(cfg, receiver) == NULL) {
		httpd_reply_text(req, 404, "unknown receiver \"%s\"", printable(receiver, shown,
		    sizeof(shown)));
		goto out;
	}
	if (!content_type_ok(httpd_req_header(req, "Content-Type"))) {
		httpd_reply_text(req, 415, "unsupported Content-Type, want application/json");
		goto out;
	}
	body = httpd_req_body(req, &len);
	if ((n = payload_parse(body, len, &err)) == NULL) {
		httpd_reply_text(req, 400, "%s", err.msg);
		goto out;
	}
	for (i = 0; i < n->nalerts; i++)
		(void)metric_add(in->m_alerts,
		    (const char *const[]){ alert_status_str(n->alerts[i].status) }, 1);
	if (pipeline_route(cfg, n, receiver, wall_ms(), &ts, &err) == -1) {
		httpd_reply_text(req, 500, "%s", err.msg);
		goto out;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->batch = deliver_batch_new()) == NULL) {
		httpd_reply_text(req, 500, "out of memory");
		goto out;
	}
	w->in = in;
	w->gen = ref;
	w->req = req;
	for (i = 0; i < ts.n; i++)
		if (deliver(in, w, &ts.v[i], &err) == -1) {
			/* 503 so Alertmanager retries; a retry may repeat the
			 * files written before the failure (at least once);
			 * nothing of the batch was queued yet. */
			log_error("Notification not stored", "receiver", ts.v[i].rcv->name,
			    "err", err.msg);
			httpd_reply_text(req, 503, "receiver %s: %s", ts.v[i].rcv->name,
			    one_line(err.msg));
			goto out;
		}
	if (deliver_batch_len(w->batch) == 0) {
		/* Only files, or every rendering failed: nothing to wait for.
		 * The counters still apply. */
		w->rc = 0;
		answer_stored(req, w);
		w = NULL;
		ref = NULL;
		goto out;
	}
	httpd_suspend(req, answer_stored, w);
	if (deliver_batch_store_async(outbox_store(in->ob), w->batch, in->dedup_window_ms,
	    stored, w, &err) == -1) {
		w->rc = -1;
		w->err = err;
		httpd_resume(req);
	}
	/* w and the generation are answer_stored's now. */
	w = NULL;
	ref = NULL;
 out:
	wait_free(w);
	pipeline_targets_free(&ts);
	notification_free(n);
	if (ref != NULL)
		outbox_release(in->ob, ref);
}
void
intake_handle_webhook(struct httpd_req *req, void *arg)
{
	handle(req, arg, NULL);
}

void
intake_handle_receiver(struct httpd_req *req, void *arg)
{
	handle(req, arg, httpd_req_rest(req));
}
