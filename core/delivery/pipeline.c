/* pipeline.c: a webhook payload -> routed, muted, regrouped per receiver, as
 * Alertmanager's dispatcher and notifiers would; and the file receiver. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "payload.h"
#include "pipeline.h"
#include "route.h"
#include "sender.h"
#include "timeinterval.h"

/* While routing: the indices into the payload of one receiver's alerts. */
struct pick {
	const struct receiver	*rcv;
	const struct route	*route;	/* the first to reach rcv; NULL: none */
	size_t			*idx;
	size_t			 n;
};

struct picks {
	struct pick	*v;
	size_t		 n;
};

static void
picks_free(struct picks *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].idx);
	free(p->v);
}

static int
pick_add(struct picks *p, const struct receiver *rcv, const struct route *route,
    size_t alert)
{
	struct pick	*t = NULL, *nt;
	size_t		*ni, i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].rcv == rcv) {
			t = &p->v[i];
			break;
		}
	if (t == NULL) {
		if ((nt = reallocarray(p->v, p->n + 1, sizeof(*nt))) == NULL)
			return -1;
		p->v = nt;
		t = &nt[p->n++];
		memset(t, 0, sizeof(*t));
		t->rcv = rcv;
		t->route = route;
	}
	/* Alerts are routed in payload order, so an alert that reaches a
	 * receiver through two routes is the last one added: sent once. */
	if (t->n > 0 && t->idx[t->n - 1] == alert)
		return 0;
	if ((ni = reallocarray(t->idx, t->n + 1, sizeof(*ni))) == NULL)
		return -1;
	t->idx = ni;
	t->idx[t->n++] = alert;
	return 0;
}

/* True when any of the named intervals contains now (Unix seconds). */
static bool
in_intervals(const struct config *cfg, const char *const *names, size_t n,
    int64_t now)
{
	const struct time_interval *ti;
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((ti = config_time_interval(cfg, names[i])) != NULL &&
		    time_interval_contains(ti, now))
			return true;
	return false;
}

/* Alertmanager does not notify a route that is muted now or outside its
 * active intervals. */
static bool
route_silent(const struct config *cfg, const struct route *r, int64_t now)
{
	const char *const *names;
	size_t	 n;

	if ((n = route_mute_intervals(r, &names)) > 0 &&
	    in_intervals(cfg, names, n, now))
		return true;
	if ((n = route_active_intervals(r, &names)) > 0 &&
	    !in_intervals(cfg, names, n, now))
		return true;
	return false;
}

/* Routes every alert; fills the receivers in the order routing reaches them. */
static int
route_alerts(const struct config *cfg, const struct notification *n,
    int64_t now_ms, struct picks *p, struct terr *err)
{
	const struct route *small[16], **m = small;
	const struct receiver *rcv;
	size_t		 i, j, cnt, max = 16;
	/* Intervals are judged in whole seconds, as time(2) gives them. */
	int64_t		 now = now_ms / 1000;
	int		 rc = -1;

	for (i = 0; i < n->nalerts; i++) {
		while ((cnt = route_match(config_route(cfg), &n->alerts[i].labels,
		    m, max)) > max) {
			if (m != small)
				free(m);
			max = cnt;
			if ((m = calloc(max, sizeof(*m))) == NULL) {
				terr_set(err, "out of memory");
				return -1;
			}
		}
		for (j = 0; j < cnt; j++) {
			if (route_silent(cfg, m[j], now)) {
				log_debug("Route muted or inactive now; not notifying",
				    "receiver", route_receiver(m[j]));
				continue;
			}
			if ((rcv = config_receiver(cfg, route_receiver(m[j]))) == NULL) {
				terr_set(err, "route names unknown receiver");
				goto out;
			}
			if (pick_add(p, rcv, m[j], i) == -1) {
				terr_set(err, "out of memory");
				goto out;
			}
		}
	}
	rc = 0;
 out:
	if (m != small)
		free(m);
	return rc;
}

/* Route labels: Alertmanager 0.34 sends its own, rendered; without them
 * the notification gets those of tocsin's route that first reached the
 * receiver, to be rendered (tmpl_render_route_labels) before its
 * messages are. */
static int
own_route_labels(struct notification *n, const struct route *route)
{
	if (n->route_labels.n > 0 || route == NULL)
		return 0;
	if (route_labels(route, &n->route_labels) == -1)
		return -1;
	if (n->route_labels.n > 0)
		n->route_labels_rendered = false;
	return 0;
}

int
pipeline_route(const struct config *cfg, const struct notification *n,
    const char *receiver, int64_t now_ms, struct pipeline_targets *out,
    struct terr *err)
{
	struct picks		 p = { NULL, 0 };
	const struct receiver	*rcv;
	size_t			 i;
	int			 rc = -1;

	if (receiver != NULL) {
		if ((rcv = config_receiver(cfg, receiver)) == NULL)
			return terr_set(err, "unknown receiver");
		for (i = 0; i < n->nalerts; i++)
			if (pick_add(&p, rcv, NULL, i) == -1) {
				terr_set(err, "out of memory");
				goto out;
			}
	} else if (route_alerts(cfg, n, now_ms, &p, err) == -1)
		goto out;
	if (p.n > 0 && (out->v = calloc(p.n, sizeof(*out->v))) == NULL) {
		terr_set(err, "out of memory");
		goto out;
	}
	for (i = 0; i < p.n; i++) {
		out->v[i].rcv = p.v[i].rcv;
		if ((out->v[i].n = notification_subset(n, p.v[i].idx, p.v[i].n,
		    p.v[i].rcv->name)) == NULL) {
			terr_set(err, "out of memory");
			goto out;
		}
		out->n++;
		if (own_route_labels(out->v[i].n, p.v[i].route) == -1) {
			terr_set(err, "out of memory");
			goto out;
		}
	}
	rc = 0;
 out:
	picks_free(&p);
	return rc;
}

void
pipeline_targets_free(struct pipeline_targets *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		notification_free(t->v[i].n);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

int
pipeline_file_line(const struct notification *n, bool send_resolved,
    char **line, size_t *len, struct terr *err)
{
	const struct notification *send;
	struct notification	*own = NULL;
	char			*json = NULL;
	int			 rc = -1;

	*line = NULL;
	*len = 0;
	if (sender_filter_resolved_view(n, send_resolved, &send, &own,
	    err) == -1)
		return -1;
	if (send == NULL)
		return 0;
	if ((json = payload_to_json(send, err)) == NULL)
		goto out;
	*len = strlen(json);
	if ((*line = malloc(*len + 2)) == NULL) {
		terr_set(err, "out of memory");
		goto out;
	}
	memcpy(*line, json, *len);
	(*line)[(*len)++] = '\n';
	(*line)[*len] = '\0';
	rc = 0;
 out:
	free(json);
	notification_free(own);
	return rc;
}

int
pipeline_write_files(struct filesink *fs, const struct receiver *rcv,
    const struct notification *n, size_t *written, struct terr *err)
{
	/* One line with resolved alerts, one without, made when first
	 * needed: [sr] for send_resolved. */
	char	*line[2] = { NULL, NULL };
	size_t	 len[2] = { 0, 0 }, k;
	bool	 made[2] = { false, false };
	int	 rc = -1, sr;
	const struct file_config *fc;

	*written = 0;
	for (k = 0; k < receiver_count(rcv, &channel_file); k++) {
		fc = receiver_config(rcv, &channel_file, k);
		sr = fc->send_resolved ? 1 : 0;
		if (!made[sr]) {
			if (pipeline_file_line(n, sr, &line[sr], &len[sr], err) == -1)
				goto out;
			made[sr] = true;
		}
		if (line[sr] == NULL) {
			log_debug("Resolved notification not sent (send_resolved is false)",
			    "receiver", rcv->name, "integration", "file");
			continue;
		}
		if (filesink_append(fs, fc->path, line[sr], len[sr], err) == -1)
			goto out;
		(*written)++;
		log_debug("Notification written", "receiver", rcv->name,
		    "integration", "file", "path", fc->path);
	}
	rc = 0;
 out:
	free(line[0]);
	free(line[1]);
	return rc;
}
