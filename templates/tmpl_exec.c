/* tmpl_exec.c: the evaluator: walks parse trees over Alertmanager's data
 * model with text/template's semantics (missingkey=zero, Go's error texts). */
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tmpl_int.h"

#define MAX_EXEC_DEPTH 1000
#define MAX_ARGS 64

enum flow { F_OK = 0, F_ERR = -1, F_BREAK = 1, F_CONTINUE = 2 };

static int	eval_pipe(struct exec *, const struct val *, const struct node *,
		    struct val *);
static int	eval_arg(struct exec *, const struct val *, const struct node *,
		    struct val *);
static int	walk(struct exec *, const struct val *, const struct node *);

int
xerr(struct exec *x, const char *fmt, ...)
{
	char		 msg[TERR_MAX];
	const struct tdef *d;
	va_list		 ap;

	if (x->err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d = tmpl_set_find(x->set, x->tname);
	if (x->at != NULL)
		terr_set(x->err, "template: %s:%d:%d: executing \"%s\" at <%s>: %s",
		    d ? d->file : x->tname, x->at->line, x->at->col, x->tname,
		    x->at->src ? x->at->src : "", msg);
	else
		terr_set(x->err, "template: %s: executing \"%s\": %s",
		    d ? d->file : x->tname, x->tname, msg);
	/* errors are log lines: quoted template text must not break them */
	for (char *c = x->err->msg; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	return -1;
}

static int
oom(struct exec *x)
{
	return xerr(x, "out of memory");
}

const char *
val_to_str(struct exec *x, const struct val *v)
{
	struct buf	 b;
	char		*s;

	if (v->t == V_STR || v->t == V_HTML || v->t == V_URL)
		return v->u.s;
	buf_init(&b, 0);
	if (val_print(&b, v, x->am) == -1) {
		buf_free(&b);
		return NULL;
	}
	s = arena_strndup(&x->ar, buf_str(&b), b.len);
	buf_free(&b);
	return s;
}

/* ---- variables ---- */

static int
var_push(struct exec *x, const char *name, const struct val *v)
{
	if (x->nvars == x->avars) {
		size_t	 n = x->avars ? x->avars * 2 : 16;
		struct tvar *p = realloc(x->vars, n * sizeof(*p));

		if (p == NULL)
			return oom(x);
		x->vars = p;
		x->avars = n;
	}
	x->vars[x->nvars].name = name;
	x->vars[x->nvars].v = *v;
	x->nvars++;
	return 0;
}

static struct tvar *
var_find(struct exec *x, const char *name)
{
	for (size_t i = x->nvars; i > 0; i--)
		if (strcmp(x->vars[i - 1].name, name) == 0)
			return &x->vars[i - 1];
	return NULL;
}

/* ---- the data model's fields and methods ---- */

static void
vset_str(struct val *v, const char *s)
{
	v->t = V_STR;
	v->u.s = s;
}

static void
vset_kv(struct val *v, const struct kv *kv)
{
	v->t = V_KV;
	v->u.kv = kv;
}

static int
alerts_view(struct exec *x, const struct notification *d, struct val *out,
    int filter)
{
	const struct alert	**list;
	size_t			  n = 0;

	out->t = V_ALERTS;
	out->named = filter < 0;
	if (d->alerts == NULL && filter < 0) {
		/* Go's nil Alerts (data without alerts): toJson writes null */
		out->u.alerts.v = NULL;
		out->u.alerts.n = 0;
		return 0;
	}
	if ((list = arena_alloc(&x->ar, (d->nalerts + 1) * sizeof(*list))) == NULL)
		return oom(x);
	for (size_t i = 0; i < d->nalerts; i++)
		if (filter < 0 || (int)d->alerts[i].status == filter)
			list[n++] = &d->alerts[i];
	out->t = V_ALERTS;
	out->named = filter < 0;
	out->u.alerts.v = list;
	out->u.alerts.n = n;
	return 0;
}

/* Sorted pairs with alertname first, as template.KV.SortedPairs. */
static int
kv_sorted(struct exec *x, const struct kv *kv, struct val *out)
{
	struct kv_pair	*p;
	size_t		 n = kv ? kv->n : 0, j = 0;

	if ((p = arena_alloc(&x->ar, (n + 1) * sizeof(*p))) == NULL)
		return oom(x);
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv->v[i].name, "alertname") == 0)
			p[j++] = kv->v[i];
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv->v[i].name, "alertname") != 0)
			p[j++] = kv->v[i];
	out->t = V_PAIRS;
	out->u.pairs.v = p;
	out->u.pairs.n = j;
	return 0;
}

static int
pairs_part(struct exec *x, const struct kv_pair *p, size_t n, bool names,
    struct val *out)
{
	const char **v;

	if ((v = arena_alloc(&x->ar, (n + 1) * sizeof(*v))) == NULL)
		return oom(x);
	for (size_t i = 0; i < n; i++)
		v[i] = names ? p[i].name : p[i].value;
	out->t = V_STRS;
	out->named = x->am != TMPL_AM_0_25;	/* template.Strings since 0.26 */
	out->u.strs.v = v;
	out->u.strs.n = n;
	return 0;
}

static int
need_args(struct exec *x, const char *name, size_t got, size_t want)
{
	if (got != want)
		return xerr(x, "wrong number of args for %s: want %zu got %zu",
		    name, want, got);
	return 0;
}

/* template.Strings.Join (0.34). */
static int
strs_join(struct exec *x, const struct val *recv, const struct val *args,
    size_t nargs, struct val *out)
{
	struct buf	 b;
	char		*s;

	if (need_args(x, "Join", nargs, 1) == -1)
		return -1;
	if (!val_is_stringish(&args[0]))
		return xerr(x, "wrong type for value; expected string; got %s",
		    val_type_name(&args[0]));
	buf_init(&b, 0);
	for (size_t i = 0; i < recv->u.strs.n; i++)
		if ((i > 0 && buf_adds(&b, args[0].u.s) == -1) ||
		    buf_adds(&b, recv->u.strs.v[i]) == -1) {
			buf_free(&b);
			return xerr(x, "output too large");
		}
	s = arena_strndup(&x->ar, buf_str(&b), b.len);
	buf_free(&b);
	if (s == NULL)
		return oom(x);
	vset_str(out, s);
	return 0;
}

static int
kv_remove(struct exec *x, const struct kv *kv, const struct val *keys,
    struct val *out)
{
	struct kv	*res;
	size_t		 n = kv ? kv->n : 0;

	if (keys->t != V_STRS && keys->t != V_NIL)
		return xerr(x, "wrong type for value; expected []string; got %s",
		    val_type_name(keys));
	if ((res = arena_alloc(&x->ar, sizeof(*res))) == NULL ||
	    (res->v = arena_alloc(&x->ar, (n + 1) * sizeof(*res->v))) == NULL)
		return oom(x);
	for (size_t i = 0; i < n; i++) {
		bool drop = false;

		for (size_t k = 0; keys->t == V_STRS && k < keys->u.strs.n; k++)
			if (strcmp(keys->u.strs.v[k], kv->v[i].name) == 0)
				drop = true;
		if (!drop)
			res->v[res->n++] = kv->v[i];
	}
	vset_kv(out, res);
	return 0;
}

static int
time_method(struct exec *x, const struct tstamp *t, const char *name,
    struct val *args, size_t nargs, struct val *out)
{
	int64_t	 year;
	int	 mon, day, hour, min, sec, wday, yday;

	gtime_civil(t, &year, &mon, &day, &hour, &min, &sec, &wday, &yday);
	out->t = V_INT;
	if (strcmp(name, "Format") == 0) {
		struct buf b;

		if (need_args(x, name, nargs, 1) == -1)
			return -1;
		if (!val_is_stringish(&args[0]))
			return xerr(x, "wrong type for value; expected string; got %s",
			    val_type_name(&args[0]));
		buf_init(&b, 0);
		if (gtime_format(&b, t, args[0].u.s) == -1) {
			buf_free(&b);
			return oom(x);
		}
		vset_str(out, arena_strndup(&x->ar, buf_str(&b), b.len));
		buf_free(&b);
		return out->u.s ? 0 : oom(x);
	}
	if (strcmp(name, "String") == 0) {
		struct buf b;

		buf_init(&b, 0);
		if (gtime_string(&b, t) == -1) {
			buf_free(&b);
			return oom(x);
		}
		vset_str(out, arena_strndup(&x->ar, buf_str(&b), b.len));
		buf_free(&b);
		return out->u.s ? 0 : oom(x);
	}
	if (strcmp(name, "Add") == 0 || strcmp(name, "Sub") == 0 ||
	    strcmp(name, "Before") == 0 || strcmp(name, "After") == 0 ||
	    strcmp(name, "Equal") == 0) {
		bool	add = strcmp(name, "Add") == 0;
		int64_t	ns;

		if (need_args(x, name, nargs, 1) == -1)
			return -1;
		if (add ? (args[0].t != V_DUR && args[0].t != V_INT) :
		    args[0].t != V_TIME)
			return xerr(x, "wrong type for value; expected %s; got %s",
			    add ? "time.Duration" : "time.Time",
			    val_type_name(&args[0]));
		if (add) {
			int64_t s = args[0].u.i / 1000000000LL;

			ns = t->nsec + args[0].u.i % 1000000000LL;
			out->t = V_TIME;
			out->u.tm = *t;
			out->u.tm.sec += s + (ns < 0 ? -1 : ns >= 1000000000LL);
			out->u.tm.nsec = (int32_t)((ns + 1000000000LL) % 1000000000LL);
			return 0;
		}
		{
			const struct tstamp *u = &args[0].u.tm;
			int c = t->sec != u->sec ? (t->sec < u->sec ? -1 : 1) :
			    t->nsec != u->nsec ? (t->nsec < u->nsec ? -1 : 1) : 0;

			if (strcmp(name, "Sub") == 0) {
				out->t = V_DUR;
				if (t->sec - u->sec > INT64_MAX / 1000000000LL - 1)
					out->u.i = INT64_MAX;
				else if (t->sec - u->sec < INT64_MIN / 1000000000LL + 1)
					out->u.i = INT64_MIN;
				else
					out->u.i = (t->sec - u->sec) * 1000000000LL +
					    (t->nsec - u->nsec);
				return 0;
			}
			out->t = V_BOOL;
			out->u.b = name[0] == 'B' ? c < 0 : name[0] == 'A' ? c > 0 :
			    c == 0;
			return 0;
		}
	}
	if (nargs > 0)
		goto noargs;
	if (strcmp(name, "Local") == 0) {
		struct terr e;

		out->t = V_TIME;
		out->u.tm = *t;
		if (gtime_in_zone(&out->u.tm, x->local_tz, &e) == -1)
			return xerr(x, "%s", e.msg);
		return 0;
	}
	if (strcmp(name, "UTC") == 0) {
		out->t = V_TIME;
		out->u.tm = *t;
		out->u.tm.off = 0;
		strcpy(out->u.tm.zone, "UTC");
		return 0;
	}
	if (strcmp(name, "Unix") == 0)
		out->u.i = t->sec;
	else if (strcmp(name, "UnixMilli") == 0)
		out->u.i = t->sec * 1000 + t->nsec / 1000000;
	else if (strcmp(name, "UnixMicro") == 0)
		out->u.i = t->sec * 1000000 + t->nsec / 1000;
	else if (strcmp(name, "UnixNano") == 0)
		/* wraps like Go when out of int64 range (the zero time) */
		out->u.i = (int64_t)((uint64_t)t->sec * 1000000000ULL +
		    (uint64_t)t->nsec);
	else if (strcmp(name, "IsZero") == 0) {
		out->t = V_BOOL;
		out->u.b = tstamp_is_zero(t);
	} else if (strcmp(name, "Year") == 0)
		out->u.i = year;
	else if (strcmp(name, "Month") == 0) {
		out->t = V_MONTH;
		out->u.i = mon;
	} else if (strcmp(name, "Day") == 0)
		out->u.i = day;
	else if (strcmp(name, "Hour") == 0)
		out->u.i = hour;
	else if (strcmp(name, "Minute") == 0)
		out->u.i = min;
	else if (strcmp(name, "Second") == 0)
		out->u.i = sec;
	else if (strcmp(name, "Nanosecond") == 0)
		out->u.i = t->nsec;
	else if (strcmp(name, "YearDay") == 0)
		out->u.i = yday;
	else if (strcmp(name, "Weekday") == 0) {
		out->t = V_WEEKDAY;
		out->u.i = wday;
	} else
		return xerr(x, "can't evaluate field %s in type time.Time", name);
	return 0;
noargs:
	return xerr(x, "wrong number of args for %s: want 0 got %zu", name, nargs);
}

static int
dur_method(struct exec *x, int64_t d, const char *name, size_t nargs,
    struct val *out)
{
	if (nargs > 0)
		return xerr(x, "wrong number of args for %s: want 0 got %zu",
		    name, nargs);
	out->t = V_FLOAT;
	if (strcmp(name, "Hours") == 0)
		out->u.f = (double)(d / 3600000000000LL) +
		    (double)(d % 3600000000000LL) / 3.6e12;
	else if (strcmp(name, "Minutes") == 0)
		out->u.f = (double)(d / 60000000000LL) +
		    (double)(d % 60000000000LL) / 6e10;
	else if (strcmp(name, "Seconds") == 0)
		out->u.f = (double)(d / 1000000000LL) +
		    (double)(d % 1000000000LL) / 1e9;
	else if (strcmp(name, "Milliseconds") == 0) {
		out->t = V_INT;
		out->u.i = d / 1000000;
	} else if (strcmp(name, "Microseconds") == 0) {
		out->t = V_INT;
		out->u.i = d / 1000;
	} else if (strcmp(name, "Nanoseconds") == 0) {
		out->t = V_INT;
		out->u.i = d;
	} else if (strcmp(name, "String") == 0) {
		struct buf b;

		buf_init(&b, 0);
		if (gduration_string(&b, d) == -1) {
			buf_free(&b);
			return oom(x);
		}
		vset_str(out, arena_strndup(&x->ar, buf_str(&b), b.len));
		buf_free(&b);
		return out->u.s ? 0 : oom(x);
	} else
		return xerr(x, "can't evaluate field %s in type time.Duration",
		    name);
	return 0;
}

/* tocsin's .Actions: the links of the channel rendering d, each a map
 * with Name and URL (an empty list when it offers none). */
static int
links_view(struct exec *x, const struct notification *d, struct val *out)
{
	struct vlist	*l;
	struct vmap	*m;

	if ((l = arena_alloc(&x->ar, sizeof(*l))) == NULL ||
	    (l->v = arena_alloc(&x->ar, (d->nlinks + 1) * sizeof(*l->v))) == NULL)
		return oom(x);
	l->n = 0;
	for (size_t i = 0; i < d->nlinks; i++, l->n++) {
		if ((m = arena_alloc(&x->ar, sizeof(*m))) == NULL ||
		    (m->k = arena_alloc(&x->ar, 2 * sizeof(*m->k))) == NULL ||
		    (m->v = arena_alloc(&x->ar, 2 * sizeof(*m->v))) == NULL)
			return oom(x);
		m->n = 2;
		m->k[0] = (char *)"Name";
		m->k[1] = (char *)"URL";
		memset(m->v, 0, 2 * sizeof(*m->v));
		vset_str(&m->v[0], d->links[i].name);
		vset_str(&m->v[1], d->links[i].url);
		memset(&l->v[i], 0, sizeof(l->v[i]));
		l->v[i].t = V_MAP;
		l->v[i].u.map = m;
	}
	out->t = V_LIST;
	out->u.list = l;
	return 0;
}

/*
 * receiver.name(args...): a field, a method or a map key, as Go's
 * text/template evalField resolves it by reflection, but over the fixed set
 * of types Alertmanager hands its templates: template.Data (Receiver,
 * Status, Alerts, GroupLabels, CommonLabels, CommonAnnotations,
 * ExternalURL; from 0.34 NotificationReason and RouteLabels; tocsin's
 * Actions), Alert (Status,
 * Labels, Annotations, StartsAt, EndsAt, GeneratorURL, Fingerprint), Alerts
 * (the Firing and Resolved methods, only on the Alerts a Data holds, since
 * Go's return plain []Alert), KV (SortedPairs, Names, Values, Remove, else a
 * key, "" when missing, like a Go map[string]string), Pairs and Pair,
 * template.Strings (Join; Names and Values return it from 0.26 on, []string
 * before), time.Time and time.Duration
 * methods, and maps built by dict (a missing key is nil). As in Go,
 * a nil receiver yields the zero value, arguments to a field are "not a
 * method but has arguments", and a wrong argument count or an unknown name
 * fails with Go's message and Go's type name.
 *
 * Not reproduced: reflection over any other type, and the missingkey option
 * (always Go's default).
 */
static int
eval_field(struct exec *x, const struct val *recv, const char *name,
    struct val *args, size_t nargs, struct val *out)
{
	bool method = false;

	memset(out, 0, sizeof(*out));
	switch (recv->t) {
	case V_NIL:
		/* missing data: Go yields the zero value, no error */
		if (nargs)
			return xerr(x, "nil pointer evaluating interface {}.%s", name);
		return 0;
	case V_DATA: {
		const struct notification *d = recv->u.data;

		if (strcmp(name, "Receiver") == 0)
			vset_str(out, d->receiver);
		else if (strcmp(name, "Status") == 0)
			vset_str(out, alert_status_str(d->status));
		else if (strcmp(name, "Alerts") == 0) {
			if (alerts_view(x, d, out, -1) == -1)
				return -1;
		} else if (strcmp(name, "GroupLabels") == 0)
			vset_kv(out, &d->group_labels);
		else if (strcmp(name, "CommonLabels") == 0)
			vset_kv(out, &d->common_labels);
		else if (strcmp(name, "CommonAnnotations") == 0)
			vset_kv(out, &d->common_annotations);
		else if (strcmp(name, "ExternalURL") == 0)
			vset_str(out, d->external_url);
		else if (x->am != TMPL_AM_0_25 &&
		    strcmp(name, "NotificationReason") == 0)
			vset_str(out, d->notification_reason);
		else if (x->am != TMPL_AM_0_25 && strcmp(name, "RouteLabels") == 0)
			vset_kv(out, &d->route_labels);
		else if (strcmp(name, "Actions") == 0) {	/* tocsin */
			if (links_view(x, d, out) == -1)
				return -1;
		}
		else
			goto nofield;
		break;
	}
	case V_ALERT: {
		const struct alert *a = recv->u.alert;

		if (strcmp(name, "Status") == 0)
			vset_str(out, alert_status_str(a->status));
		else if (strcmp(name, "Labels") == 0)
			vset_kv(out, &a->labels);
		else if (strcmp(name, "Annotations") == 0)
			vset_kv(out, &a->annotations);
		else if (strcmp(name, "StartsAt") == 0) {
			out->t = V_TIME;
			out->u.tm = a->starts_at;
		} else if (strcmp(name, "EndsAt") == 0) {
			out->t = V_TIME;
			out->u.tm = a->ends_at;
		} else if (strcmp(name, "GeneratorURL") == 0)
			vset_str(out, a->generator_url);
		else if (strcmp(name, "Fingerprint") == 0)
			vset_str(out, a->fingerprint);
		else
			goto nofield;
		break;
	}
	case V_ALERTS:
		if (recv->named && (strcmp(name, "Firing") == 0 ||
		    strcmp(name, "Resolved") == 0)) {
			const struct alert **list;
			size_t n = 0;
			enum alert_status want = name[0] == 'F' ?
			    ALERT_FIRING : ALERT_RESOLVED;

			if (nargs)
				goto badargs;
			if ((list = arena_alloc(&x->ar, (recv->u.alerts.n + 1) *
			    sizeof(*list))) == NULL)
				return oom(x);
			for (size_t i = 0; i < recv->u.alerts.n; i++)
				if (recv->u.alerts.v[i]->status == want)
					list[n++] = recv->u.alerts.v[i];
			out->t = V_ALERTS;
			out->named = false;
			out->u.alerts.v = list;
			out->u.alerts.n = n;
			return 0;
		}
		goto nofield;
	case V_KV:
		method = true;
		if (strcmp(name, "SortedPairs") == 0) {
			if (nargs)
				goto badargs;
			return kv_sorted(x, recv->u.kv, out);
		}
		if (strcmp(name, "Names") == 0 || strcmp(name, "Values") == 0) {
			struct val sp;

			if (nargs)
				goto badargs;
			if (kv_sorted(x, recv->u.kv, &sp) == -1)
				return -1;
			return pairs_part(x, sp.u.pairs.v, sp.u.pairs.n,
			    name[0] == 'N', out);
		}
		if (strcmp(name, "Remove") == 0) {
			if (nargs != 1)
				return xerr(x, "wrong number of args for Remove: "
				    "want 1 got %zu", nargs);
			return kv_remove(x, recv->u.kv, &args[0], out);
		}
		method = false;
		if (nargs)
			return xerr(x, "%s is not a method but has arguments", name);
		{
			const char *v = recv->u.kv ? kv_get(recv->u.kv, name) : NULL;

			vset_str(out, v ? v : "");
		}
		return 0;
	case V_PAIRS:
		if (strcmp(name, "Names") == 0 || strcmp(name, "Values") == 0) {
			if (nargs)
				goto badargs;
			return pairs_part(x, recv->u.pairs.v, recv->u.pairs.n,
			    name[0] == 'N', out);
		}
		goto nofield;
	case V_STRS:
		if (recv->named && strcmp(name, "Join") == 0)
			return strs_join(x, recv, args, nargs, out);
		goto nofield;
	case V_PAIR:
		if (strcmp(name, "Name") == 0)
			vset_str(out, recv->u.pair->name);
		else if (strcmp(name, "Value") == 0)
			vset_str(out, recv->u.pair->value);
		else
			goto nofield;
		break;
	case V_TIME:
		return time_method(x, &recv->u.tm, name, args, nargs, out);
	case V_DUR:
		return dur_method(x, recv->u.i, name, nargs, out);
	case V_MAP:
		if (nargs)
			return xerr(x, "%s is not a method but has arguments", name);
		for (size_t i = 0; recv->u.map && i < recv->u.map->n; i++)
			if (strcmp(recv->u.map->k[i], name) == 0) {
				*out = recv->u.map->v[i];
				return 0;
			}
		out->t = V_NIL;
		return 0;
	default:
		goto nofield;
	}
	if (nargs)
		return xerr(x, "%s is not a method but has arguments", name);
	return 0;
badargs:
	(void)method;
	return xerr(x, "wrong number of args for %s: want 0 got %zu", name, nargs);
nofield:
	if (recv->t == V_ALERTS || recv->t == V_STRS || recv->t == V_PAIRS ||
	    recv->t == V_LIST || recv->t == V_KV || recv->t == V_MAP ||
	    recv->t == V_DATA || recv->t == V_ALERT || recv->t == V_PAIR ||
	    recv->t == V_TIME)
		return xerr(x, "can't evaluate field %s in type %s", name,
		    recv->t == V_DATA ? "template.Data" : val_type_name(recv));
	return xerr(x, "can't evaluate field %s in type %s", name,
	    val_type_name(recv));
}

/* Evaluates the args of a command (from index 1) plus the piped value. */
static int
eval_args(struct exec *x, const struct val *dot, const struct node *cmd,
    const struct val *final, struct val *args, size_t *nargs)
{
	size_t n = 0;

	for (size_t i = 1; cmd != NULL && i < cmd->nkids; i++) {
		if (n >= MAX_ARGS)
			return xerr(x, "too many arguments");
		if (eval_arg(x, dot, cmd->kids[i], &args[n++]) == -1)
			return -1;
	}
	if (final != NULL) {
		if (n >= MAX_ARGS)
			return xerr(x, "too many arguments");
		args[n++] = *final;
	}
	*nargs = n;
	return 0;
}

static int
field_chain(struct exec *x, const struct val *dot, const struct val *recv,
    const struct node *n, const struct node *cmd, const struct val *final,
    struct val *out)
{
	struct val	 cur = *recv, args[MAX_ARGS + 1];
	size_t		 nargs = 0;
	const struct node *save = x->at;

	for (size_t i = 0; i + 1 < n->nids; i++) {
		struct val next;

		x->at = n;
		if (eval_field(x, &cur, n->ids[i], NULL, 0, &next) == -1)
			return -1;
		cur = next;
	}
	if (eval_args(x, dot, cmd, final, args, &nargs) == -1)
		return -1;
	x->at = n;
	if (eval_field(x, &cur, n->ids[n->nids - 1], args, nargs, out) == -1)
		return -1;
	x->at = save;
	return 0;
}

static void
ideal_const(const struct node *n, struct val *v)
{
	const char *t = n->src ? n->src : "";
	bool hexint = (t[0] == '0' && (t[1] == 'x' || t[1] == 'X') &&
	    strpbrk(t, "pP") == NULL);

	if (n->is_float && !hexint && t[0] != '\'' && strpbrk(t, ".eEpP") != NULL) {
		v->t = V_FLOAT;
		v->u.f = n->f;
	} else if (n->is_int) {
		v->t = V_INT;
		v->u.i = n->i;
	} else {
		v->t = V_FLOAT;
		v->u.f = n->f;
	}
}

static bool
lit_kind(const struct node *n)
{
	return n->k == N_BOOL || n->k == N_NUM || n->k == N_STR ||
	    n->k == N_DOT || n->k == N_NIL;
}

static int
call_func(struct exec *x, const struct val *dot, const struct node *ident,
    const struct node *cmd, const struct val *final, struct val *out)
{
	const struct tfunc	*f = tmpl_func_find(ident->s);
	struct val		 args[MAX_ARGS + 1];
	size_t			 nargs = 0;
	const struct node	*save;

	if (f == NULL) {
		x->at = ident;
		return xerr(x, "\"%s\" is not a defined function", ident->s);
	}
	/* and/or evaluate lazily, left to right */
	if (strcmp(f->name, "and") == 0 || strcmp(f->name, "or") == 0) {
		bool	 isand = f->name[0] == 'a';
		size_t	 total = (cmd ? cmd->nkids - 1 : 0) + (final != NULL);

		if (total < 1) {
			x->at = ident;
			return xerr(x, "wrong number of args for %s: want at "
			    "least 1 got 0", f->name);
		}
		for (size_t i = 1; cmd && i < cmd->nkids; i++) {
			if (eval_arg(x, dot, cmd->kids[i], out) == -1)
				return -1;
			if (val_truth(out) != isand)
				return 0;
		}
		if (final)
			*out = *final;
		return 0;
	}
	if (eval_args(x, dot, cmd, final, args, &nargs) == -1)
		return -1;
	save = x->at;
	/* Go names the whole command in call errors */
	x->at = cmd ? cmd : ident;
	if ((int)nargs < f->minargs || (f->maxargs >= 0 && (int)nargs > f->maxargs)) {
		if (f->maxargs < 0)
			return xerr(x, "wrong number of args for %s: want at "
			    "least %d got %zu", f->name, f->minargs, nargs);
		return xerr(x, "wrong number of args for %s: want %d got %zu",
		    f->name, f->minargs, nargs);
	}
	memset(out, 0, sizeof(*out));
	if ((cmd != NULL && cmd == x->deferred ? fn_eval_args(x, args, nargs,
	    out) : f->fn(x, args, nargs, out)) == -1)
		return -1;
	x->at = save;
	return 0;
}

static int
eval_command(struct exec *x, const struct val *dot, const struct node *cmd,
    const struct val *final, struct val *out)
{
	const struct node *first = cmd->kids[0];

	memset(out, 0, sizeof(*out));
	switch (first->k) {
	case N_FIELD:
		return field_chain(x, dot, dot, first, cmd, final, out);
	case N_VAR: {
		struct tvar *v = var_find(x, first->s);

		x->at = first;
		if (v == NULL)
			return xerr(x, "undefined variable: %s", first->s);
		if (first->nids == 0) {
			if (cmd->nkids > 1 || final)
				return xerr(x, "can't give argument to non-function %s",
				    first->src);
			*out = v->v;
			return 0;
		}
		return field_chain(x, dot, &v->v, first, cmd, final, out);
	}
	case N_CHAIN: {
		struct val base;

		if (eval_arg(x, dot, first->base, &base) == -1)
			return -1;
		return field_chain(x, dot, &base, first, cmd, final, out);
	}
	case N_IDENT:
		return call_func(x, dot, first, cmd, final, out);
	case N_PIPE:
		x->at = first;
		if (cmd->nkids > 1 || final)
			return xerr(x, "can't give argument to non-function %s",
			    first->src ? first->src : "pipeline");
		return eval_pipe(x, dot, first, out);
	default:
		break;
	}
	if (first->k == N_NIL) {
		x->at = first;
		return xerr(x, "nil is not a command");
	}
	if (lit_kind(first) && (cmd->nkids > 1 || final)) {
		x->at = first;
		return xerr(x, "can't give argument to non-function %s",
		    first->src ? first->src : "");
	}
	return eval_arg(x, dot, first, out);
}

static int
eval_arg(struct exec *x, const struct val *dot, const struct node *n,
    struct val *out)
{
	memset(out, 0, sizeof(*out));
	switch (n->k) {
	case N_DOT:
		*out = *dot;
		return 0;
	case N_NIL:
		x->at = n;
		out->t = V_NIL;
		return 0;
	case N_BOOL:
		out->t = V_BOOL;
		out->u.b = n->b;
		return 0;
	case N_NUM:
		ideal_const(n, out);
		return 0;
	case N_STR:
		vset_str(out, n->s);
		return 0;
	case N_FIELD:
		return field_chain(x, dot, dot, n, NULL, NULL, out);
	case N_VAR: {
		struct tvar *v = var_find(x, n->s);

		if (v == NULL) {
			x->at = n;
			return xerr(x, "undefined variable: %s", n->s);
		}
		if (n->nids == 0) {
			*out = v->v;
			return 0;
		}
		return field_chain(x, dot, &v->v, n, NULL, NULL, out);
	}
	case N_CHAIN: {
		struct val base;

		if (eval_arg(x, dot, n->base, &base) == -1)
			return -1;
		return field_chain(x, dot, &base, n, NULL, NULL, out);
	}
	case N_PIPE:
		return eval_pipe(x, dot, n, out);
	case N_IDENT:
		return call_func(x, dot, n, NULL, NULL, out);
	default:
		return xerr(x, "can't handle %s for arg", n->src ? n->src : "node");
	}
}

static int
eval_pipe(struct exec *x, const struct val *dot, const struct node *pipe,
    struct val *out)
{
	struct val	 v, prev;
	bool		 have = false;

	memset(&v, 0, sizeof(v));
	if (++x->steps > x->max_steps)
		return xerr(x, "template execution exceeded %llu steps",
		    (unsigned long long)x->max_steps);
	if (++x->depth > MAX_EXEC_DEPTH) {
		x->depth--;
		return xerr(x, "exceeded maximum template depth (%d)",
		    MAX_EXEC_DEPTH);
	}
	for (size_t i = 0; i < pipe->nkids; i++) {
		if (eval_command(x, dot, pipe->kids[i], have ? &prev : NULL,
		    &v) == -1) {
			x->depth--;
			return -1;
		}
		prev = v;
		have = true;
	}
	x->depth--;
	for (size_t i = 0; i < pipe->ndecl; i++) {
		if (pipe->assign) {
			struct tvar *tv = var_find(x, pipe->decl[i]);

			if (tv == NULL)
				return xerr(x, "undefined variable: %s",
				    pipe->decl[i]);
			tv->v = v;
		} else if (var_push(x, pipe->decl[i], &v) == -1)
			return -1;
	}
	*out = v;
	return 0;
}

/* The command node of pipe's trailing html or urlquery in an HTML render
 * (html/template merges it with the contextual escapers), or NULL. */
static const struct node *
trailing_escaper(const struct exec *x, const struct node *pipe)
{
	const struct node *last;

	if (x->kind != TMPL_HTML || pipe->nkids == 0)
		return NULL;
	last = pipe->kids[pipe->nkids - 1];
	if (last->nkids > 0 && last->kids[0]->k == N_IDENT &&
	    (strcmp(last->kids[0]->s, "html") == 0 ||
	    strcmp(last->kids[0]->s, "urlquery") == 0))
		return last;
	return NULL;
}

static int
print_value(struct exec *x, const struct val *v, const struct node *pipe)
{
	if (x->kind == TMPL_HTML) {
		const struct node	*last = pipe->kids[pipe->nkids - 1];
		const char		*fn = NULL;

		/* html/template only allows them as the last command */
		for (size_t i = 0; i + 1 < pipe->nkids; i++) {
			const struct node *c = pipe->kids[i];

			if (c->nkids > 0 && c->kids[0]->k == N_IDENT &&
			    (strcmp(c->kids[0]->s, "html") == 0 ||
			    strcmp(c->kids[0]->s, "urlquery") == 0)) {
				x->at = c;
				return xerr(x, "predefined escaper \"%s\" "
				    "disallowed in template", c->kids[0]->s);
			}
		}
		/* a trailing html/urlquery stands in for the context escaper */
		if (last->nkids > 0 && last->kids[0]->k == N_IDENT &&
		    (strcmp(last->kids[0]->s, "html") == 0 ||
		    strcmp(last->kids[0]->s, "urlquery") == 0))
			fn = last->kids[0]->s;
		if (html_value(x, v, fn) == -1)
			return xerr(x, "output too large");
		return 0;
	}
	if (val_print(x->out, v, x->am) == -1)
		return xerr(x, "output too large");
	return 0;
}

static int
walk_range(struct exec *x, const struct val *dot, const struct node *n)
{
	struct val	 v, elem, idx;
	size_t		 mark = x->nvars, count = 0;
	int		 r = 0;

	if (eval_pipe(x, dot, n->pipe, &v) == -1)
		return -1;
	switch (v.t) {
	case V_ALERTS: count = v.u.alerts.n; break;
	case V_PAIRS: count = v.u.pairs.n; break;
	case V_STRS: count = v.u.strs.n; break;
	case V_LIST: count = v.u.list ? v.u.list->n : 0; break;
	case V_KV: count = v.u.kv ? v.u.kv->n : 0; break;
	case V_MAP: count = v.u.map ? v.u.map->n : 0; break;
	case V_NIL: count = 0; break;
	default: {
		/* Go reports the last operand it evaluated */
		const struct node *last = n->pipe->kids[n->pipe->nkids - 1];

		x->at = last->nkids ? last->kids[0] : n->pipe;
		x->nvars = mark;
		return xerr(x, "range can't iterate over %s", val_to_str(x, &v));
	}
	}
	for (size_t i = 0; i < count; i++) {
		size_t imark = x->nvars;

		memset(&elem, 0, sizeof(elem));
		memset(&idx, 0, sizeof(idx));
		idx.t = V_INT;
		idx.u.i = (int64_t)i;
		switch (v.t) {
		case V_ALERTS:
			elem.t = V_ALERT;
			elem.u.alert = v.u.alerts.v[i];
			break;
		case V_PAIRS:
			elem.t = V_PAIR;
			elem.u.pair = &v.u.pairs.v[i];
			break;
		case V_STRS:
			vset_str(&elem, v.u.strs.v[i]);
			break;
		case V_LIST:
			elem = v.u.list->v[i];
			break;
		case V_KV:
			vset_str(&elem, v.u.kv->v[i].value);
			vset_str(&idx, v.u.kv->v[i].name);
			break;
		case V_MAP:
			elem = v.u.map->v[i];
			vset_str(&idx, v.u.map->k[i]);
			break;
		default:
			break;
		}
		if (n->pipe->ndecl > 0) {
			if (n->pipe->assign) {
				struct tvar *tv;

				tv = var_find(x, n->pipe->decl[n->pipe->ndecl - 1]);
				if (tv)
					tv->v = elem;
				if (n->pipe->ndecl > 1 &&
				    (tv = var_find(x, n->pipe->decl[0])) != NULL)
					tv->v = idx;
			} else {
				x->vars[x->nvars - 1].v = elem;
				if (n->pipe->ndecl > 1)
					x->vars[x->nvars - 2].v = idx;
			}
		}
		r = walk(x, &elem, n->list);
		x->nvars = imark;
		if (r == F_ERR)
			goto out;
		if (r == F_BREAK) {
			r = 0;
			goto out;
		}
		r = 0;
	}
	if (count == 0 && n->elist)
		r = walk(x, dot, n->elist);
out:
	x->nvars = mark;
	return r;
}

static int
walk_template(struct exec *x, const struct val *dot, const struct node *n)
{
	const struct tdef	*d;
	struct val		 nd;
	struct tvar		*saved;
	size_t			 snvars, savars;
	const char		*stname = x->tname;
	int			 r;

	memset(&nd, 0, sizeof(nd));
	x->at = n;
	if ((d = tmpl_set_find(x->set, n->s)) == NULL)
		return xerr(x, "template \"%s\" not defined", n->s);
	if (n->pipe && eval_pipe(x, dot, n->pipe, &nd) == -1)
		return -1;
	if (++x->depth > MAX_EXEC_DEPTH) {
		x->depth--;
		return xerr(x, "exceeded maximum template depth (%d)",
		    MAX_EXEC_DEPTH);
	}
	/* a called template sees only $ */
	saved = x->vars;
	snvars = x->nvars;
	savars = x->avars;
	x->vars = NULL;
	x->nvars = x->avars = 0;
	x->tname = d->name;
	if (var_push(x, "$", &nd) == -1)
		r = -1;
	else
		r = walk(x, &nd, d->root);
	free(x->vars);
	x->vars = saved;
	x->nvars = snvars;
	x->avars = savars;
	x->tname = stname;
	x->depth--;
	return r == F_ERR ? -1 : 0;
}

static int
walk(struct exec *x, const struct val *dot, const struct node *n)
{
	struct val	 v;
	size_t		 mark;
	int		 r;

	if (++x->steps > x->max_steps)
		return xerr(x, "template execution exceeded %llu steps",
		    (unsigned long long)x->max_steps);
	switch (n->k) {
	case N_LIST:
		for (size_t i = 0; i < n->nkids; i++)
			if ((r = walk(x, dot, n->kids[i])) != F_OK)
				return r;
		return F_OK;
	case N_TEXT:
		if (x->kind == TMPL_HTML) {
			if (html_text(x, n->s, n->slen) == -1)
				return xerr(x, "output too large");
			return F_OK;
		}
		if (buf_add(x->out, n->s, n->slen) == -1)
			return xerr(x, "output too large");
		return F_OK;
	case N_ACTION:
		x->deferred = n->pipe->ndecl == 0 ? trailing_escaper(x, n->pipe) : NULL;
		r = eval_pipe(x, dot, n->pipe, &v);
		x->deferred = NULL;
		if (r == -1)
			return F_ERR;
		if (n->pipe->ndecl == 0)
			return print_value(x, &v, n->pipe) == -1 ? F_ERR : F_OK;
		return F_OK;
	case N_IF:
	case N_WITH:
		mark = x->nvars;
		if (eval_pipe(x, dot, n->pipe, &v) == -1)
			return F_ERR;
		if (val_truth(&v))
			r = walk(x, n->k == N_WITH ? &v : dot, n->list);
		else if (n->elist)
			r = walk(x, dot, n->elist);
		else
			r = F_OK;
		x->nvars = mark;
		return r;
	case N_RANGE:
		return walk_range(x, dot, n);
	case N_TEMPLATE:
		return walk_template(x, dot, n) == -1 ? F_ERR : F_OK;
	case N_BREAK:
		return F_BREAK;
	case N_CONTINUE:
		return F_CONTINUE;
	default:
		return xerr(x, "unknown node");
	}
}

/* What one execution renders with. A nested one (parent: a route label's
 * text rendered by routeLabels) shares its parent's clock, data, kind,
 * resolver and step budget. */
struct rin {
	const struct tmpl_set	*base;	/* the set without the text's defines */
	const struct notification *data;
	const struct val	*dot;	/* NULL: data as template.Data */
	enum tmpl_kind		 kind;
	const struct tmpl_opts	*opts;
	struct exec		*parent;
};

static void
run_clock(struct exec *x, const struct rin *in)
{
	const struct tmpl_opts *opts = in->opts;

	if (in->parent != NULL) {
		x->now_sec = in->parent->now_sec;
		x->now_nsec = in->parent->now_nsec;
		x->local_tz = in->parent->local_tz;
		x->max_steps = in->parent->max_steps;
		x->steps = in->parent->steps;
		x->rl = in->parent->rl;
		return;
	}
	if (opts && opts->now_sec) {
		x->now_sec = opts->now_sec;
		x->now_nsec = opts->now_nsec;
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		x->now_sec = ts.tv_sec;
		x->now_nsec = (int32_t)ts.tv_nsec;
	}
	x->local_tz = opts && opts->local_tz ? opts->local_tz : "Local";
	x->max_steps = opts && opts->max_steps ? opts->max_steps : TMPL_MAX_STEPS;
}

static void
exec_init(struct exec *x, const struct tmpl_set *set, const char *tname,
    const struct rin *in, struct buf *out, struct terr *err)
{
	memset(x, 0, sizeof(*x));
	x->set = set;
	x->base = in->base;
	x->data = in->data;
	x->am = set->am;
	x->out = out;
	x->kind = in->kind;
	x->err = err;
	x->tname = tname;
	run_clock(x, in);
}

static void
exec_done(struct exec *x, const struct rin *in)
{
	if (in->parent != NULL)
		in->parent->steps = x->steps;
	else
		rlres_free(x->rl);
	free(x->vars);
	arena_free(&x->ar);
	if (x->loc != NULL)
		freelocale((locale_t)x->loc);
}

static int
run(const struct tmpl_set *set, const struct tdef *d, const struct rin *in,
    struct buf *out, struct terr *err)
{
	struct exec	 x;
	struct val	 dot;
	int		 r;

	exec_init(&x, set, d->name, in, out, err);
	memset(&dot, 0, sizeof(dot));
	if (in->dot != NULL)
		dot = *in->dot;
	else if (in->data != NULL) {
		dot.t = V_DATA;
		dot.u.data = in->data;
	}
	if (var_push(&x, "$", &dot) == -1)
		r = -1;
	else
		r = walk(&x, &dot, d->root) == F_ERR ? -1 : 0;
	exec_done(&x, in);
	return r;
}

int
tmpl_with_exec(const struct tmpl_set *set, const struct notification *data,
    const struct tmpl_opts *opts, int (*fn)(struct exec *, void *), void *arg,
    struct terr *err)
{
	struct rin	 in = { set, data, NULL, TMPL_TEXT, opts, NULL };
	struct exec	 x;
	struct buf	 out;
	int		 r;

	buf_init(&out, 0);
	exec_init(&x, set, "", &in, &out, err);
	r = fn(&x, arg);
	exec_done(&x, &in);
	buf_free(&out);
	return r;
}

int
tmpl_render(const struct tmpl_set *set, const char *name,
    const struct notification *data, enum tmpl_kind kind,
    const struct tmpl_opts *opts, struct buf *out, struct terr *err)
{
	const struct tdef	*d = tmpl_set_find(set, name);
	struct rin		 in = { set, data, NULL, kind, opts, NULL };

	if (d == NULL)
		return terr_set(err, "template: no template \"%s\" associated "
		    "with template \"\"", name);
	return run(set, d, &in, out, err);
}

/* Alertmanager's ExecuteTextString: text parsed into a clone of in->base.
 * The text's own defines go into an overlay so the base stays immutable. The
 * overlay is parsed on the first render of text and kept in the base's cache
 * (the texts of a config's fields are the same on every render); a text
 * that fails to parse is parsed again next time, with the same error. */
static int
render_text(const char *text, const struct rin *in, struct buf *out,
    struct terr *err)
{
	struct tmpl_set	*overlay, *kept;
	int		 r;

	if (text[0] == '\0')
		return 0;
	overlay = tmpl_cache_find(in->base->cache, TMPL_CACHE_TEXT, text);
	if (overlay != NULL && overlay->am == in->base->am)
		return run(overlay, tmpl_set_find(overlay, ""), in, out, err);
	if ((overlay = tmpl_set_new()) == NULL)
		return terr_set(err, "out of memory");
	overlay->parent = in->base;
	overlay->am = in->base->am;
	if (tmpl_set_add_text(overlay, "", text, err) == -1) {
		tmpl_set_free(overlay);
		return -1;
	}
	kept = tmpl_cache_keep(in->base->cache, TMPL_CACHE_TEXT, text, overlay);
	if (kept == overlay)
		return run(overlay, tmpl_set_find(overlay, ""), in, out, err);
	/* Another thread's overlay, or this render's own when the cache is
	 * full or holds one parsed before the base's release changed. */
	if (kept != NULL && kept->am == in->base->am)
		r = run(kept, tmpl_set_find(kept, ""), in, out, err);
	else
		r = run(overlay, tmpl_set_find(overlay, ""), in, out, err);
	tmpl_set_free(overlay);
	return r;
}

int
tmpl_render_text(const struct tmpl_set *set, const char *text,
    const struct notification *data, enum tmpl_kind kind,
    const struct tmpl_opts *opts, struct buf *out, struct terr *err)
{
	struct rin in = { set, data, NULL, kind, opts, NULL };

	return render_text(text, &in, out, err);
}

int
tmpl_render_text_dot(const struct tmpl_set *set, const char *text,
    const struct notification *data, const struct val *dot,
    enum tmpl_kind kind, const struct tmpl_opts *opts, struct buf *out,
    struct terr *err)
{
	struct rin in = { set, data, dot, kind, opts, NULL };

	return render_text(text, &in, out, err);
}

int
tmpl_exec_nested(struct exec *x, const char *text, struct buf *out,
    struct terr *err)
{
	struct rin in = { x->base, x->data, NULL, x->kind, NULL, x };

	return render_text(text, &in, out, err);
}
