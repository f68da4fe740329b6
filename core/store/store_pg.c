/* store_pg.c: the shared store backend: PostgreSQL through libpq
 * (--storage.url), so that several relays work one queue. One connection for
 * the committer's transactions, one for every read under a lock; each
 * reconnects by itself, with a backoff while the server stays away. */
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "clock.h"
#include "log.h"
#include "ratelimit.h"
#include "redact.h"
#include "store.h"

#define CONNECT_TIMEOUT	"5"	/* seconds; a URL's connect_timeout wins */
#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	5000
#define MIGRATE_LOCK	"7630418726"	/* pg_advisory_xact_lock key of migrations */
#define CHANNEL		"tocsin_queue"	/* NOTIFY channel of new messages */
#define MAXP		12

/* The database's clock in ms. Leases are measured on it, not on each
 * relay's own, so that two hosts whose clocks disagree still agree on when
 * a lease ran out. */
#define DBNOW	"(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

/*
 * Schema migrations: entry i takes version i to i + 1 (tocsin_schema).
 * Append, never edit: a database in the field has run the old entries. The
 * tables are the SQLite backend's, plus what sharing needs:
 *  - dedup: one row per dedup key, its primary key the guard that two
 *    relays given the same notification queue it once (store_enqueue's
 *    window, held by the database rather than by each process). It
 *    follows its message: a message dropped or pruned forgets its key, as
 *    the SQLite store, which looks the key up among the messages, does.
 *  - dest_leases: which relay sends to a destination (see be_due).
 *  - leases: which relay does the work that one of them should do
 *    (be_lease): follow the receipts, run the escalation timers, poll a
 *    Telegram bot.
 */
static const char *const migrations[] = {
	"CREATE TABLE messages ("
	"  id bigserial PRIMARY KEY,"
	"  created bigint NOT NULL,"
	"  receiver text NOT NULL,"
	"  integration text NOT NULL,"
	"  dest text NOT NULL,"
	"  dedup_key text,"
	"  payload bytea NOT NULL,"
	"  state text NOT NULL DEFAULT 'pending'"
	"    CHECK (state IN ('pending', 'delivered', 'dead')),"
	"  attempts integer NOT NULL DEFAULT 0,"
	"  next_attempt bigint NOT NULL,"
	"  last_error text,"
	"  done_at bigint"
	");"
	"CREATE INDEX messages_pending ON messages (dest, id) WHERE state = 'pending';"
	"CREATE INDEX messages_done ON messages (done_at) WHERE state <> 'pending';"
	"CREATE TABLE dedup ("
	"  dedup_key text PRIMARY KEY,"
	"  id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
	"  created bigint NOT NULL"
	");"
	"CREATE INDEX dedup_id ON dedup (id);"
	"CREATE TABLE dest_leases ("
	"  dest text PRIMARY KEY,"
	"  holder text NOT NULL,"
	"  lease_until bigint NOT NULL"
	");"
	"CREATE TABLE leases ("
	"  name text PRIMARY KEY,"
	"  holder text NOT NULL,"
	"  lease_until bigint NOT NULL"
	");"
	"CREATE TABLE receipts ("
	"  receipt text PRIMARY KEY,"
	"  receiver text NOT NULL,"
	"  integration text NOT NULL,"
	"  group_key text NOT NULL,"
	"  expires bigint NOT NULL,"
	"  next_poll bigint NOT NULL,"
	"  cancel boolean NOT NULL DEFAULT false"
	");"
	"CREATE INDEX receipts_poll ON receipts (next_poll);"
	"CREATE INDEX receipts_group ON receipts (receiver, group_key);"
	"CREATE TABLE group_acks ("
	"  receiver text NOT NULL,"
	"  group_key text NOT NULL,"
	"  acked_by text NOT NULL,"
	"  acked_at bigint NOT NULL,"
	"  PRIMARY KEY (receiver, group_key)"
	");"
	"CREATE TABLE action_records ("
	"  id text PRIMARY KEY,"
	"  created bigint NOT NULL,"
	"  expires bigint NOT NULL,"
	"  receiver text NOT NULL,"
	"  integration text NOT NULL,"
	"  group_key text NOT NULL,"
	"  labels text NOT NULL,"
	"  chat text NOT NULL,"
	"  message_id bigint NOT NULL DEFAULT 0,"
	"  silence_id text NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX action_records_expires ON action_records (expires);"
	"CREATE TABLE cursors ("
	"  name text PRIMARY KEY,"
	"  value bigint NOT NULL"
	");"
	"CREATE TABLE group_messages ("
	"  receiver text NOT NULL,"
	"  integration text NOT NULL,"
	"  group_key text NOT NULL,"
	"  chat text NOT NULL,"
	"  message_id bigint NOT NULL,"
	"  updated bigint NOT NULL,"
	"  PRIMARY KEY (receiver, integration, group_key)"
	");"
	"CREATE INDEX group_messages_updated ON group_messages (updated);"
	"CREATE TABLE escalations ("
	"  receiver text NOT NULL,"
	"  group_key text NOT NULL,"
	"  body text NOT NULL,"
	"  since bigint NOT NULL,"
	"  next_at bigint NOT NULL,"
	"  repeats bigint NOT NULL,"
	"  escalated boolean NOT NULL,"
	"  resolved boolean NOT NULL DEFAULT false,"
	"  PRIMARY KEY (receiver, group_key)"
	");"
	"CREATE INDEX escalations_next ON escalations (next_at);",
	/* Token buckets every relay shares (be_rate_take). */
	"CREATE TABLE rate_buckets ("
	"  key text PRIMARY KEY,"
	"  tokens double precision NOT NULL,"
	"  stamp bigint NOT NULL"
	");"
	"CREATE FUNCTION tocsin_rate_take(p_keys text[], p_rates float8[],"
	"    p_bursts float8[], p_now bigint) RETURNS bigint"
	" LANGUAGE plpgsql AS $f$"
	" DECLARE"
	"  v_now bigint := COALESCE(p_now, " DBNOW ");"
	"  v_tokens float8[] := '{}';"
	"  v_t float8;"
	"  v_s bigint;"
	"  v_wait bigint := 0;"
	" BEGIN"
	"  FOR i IN 1 .. COALESCE(array_length(p_keys, 1), 0) LOOP"
	"   INSERT INTO rate_buckets (key, tokens, stamp)"
	"    VALUES (p_keys[i], p_bursts[i], v_now) ON CONFLICT (key) DO NOTHING;"
	"   SELECT tokens, stamp INTO v_t, v_s FROM rate_buckets"
	"    WHERE key = p_keys[i] FOR UPDATE;"
	"   IF v_now > v_s THEN"
	"    v_t := LEAST(p_bursts[i],"
	"     v_t + (v_now - v_s)::float8 * p_rates[i] / 1000.0);"
	"   END IF;"
	"   v_tokens[i] := v_t;"
	"   IF v_t < 1.0 THEN"
	"    v_wait := GREATEST(v_wait, 1,"
	"     ceil((1.0 - v_t) * 1000.0 / p_rates[i] - 1e-9)::bigint);"
	"   END IF;"
	"  END LOOP;"
	"  IF v_wait = 0 THEN"
	"   FOR i IN 1 .. COALESCE(array_length(p_keys, 1), 0) LOOP"
	"    UPDATE rate_buckets SET tokens = v_tokens[i] - 1.0,"
	"     stamp = GREATEST(stamp, v_now) WHERE key = p_keys[i];"
	"   END LOOP;"
	"  END IF;"
	"  RETURN v_wait;"
	" END $f$;",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

#define COLS "id, created, receiver, integration, dest, COALESCE(dedup_key, ''),"\
	" state, attempts, next_attempt, COALESCE(last_error, ''), COALESCE(done_at, 0)"

/* Each destination's oldest pending message, one index seek per
 * destination (a loose index scan), as the SQLite backend's HEADS. */
#define HEADS "WITH RECURSIVE d(dest) AS (" \
	" (SELECT dest FROM messages WHERE state = 'pending' ORDER BY dest LIMIT 1)" \
	" UNION ALL SELECT (SELECT m.dest FROM messages m WHERE m.state = 'pending'" \
	" AND m.dest > d.dest ORDER BY m.dest LIMIT 1) FROM d" \
	" WHERE d.dest IS NOT NULL)," \
	" h AS (SELECT m.dest, m.id, m.next_attempt FROM d, LATERAL" \
	" (SELECT id, dest, next_attempt FROM messages WHERE state = 'pending'" \
	" AND dest = d.dest ORDER BY id LIMIT 1) m WHERE d.dest IS NOT NULL)"

/* A connection that comes back by itself: a failed use leaves it closed,
 * and the next use connects again, at once the first time, then no sooner
 * than a backoff that doubles while the server stays away. */
struct pgconn {
	PGconn		*c;		/* NULL: not connected */
	int64_t		 retry_at;	/* mono ms */
	int64_t		 backoff;
	bool		 prepared;	/* c has the statements of qp */
};

struct pgbe {
	char		*url;
	struct redactor	*secrets;	/* the URL's password */
	char		 holder[96];	/* this process, in dest_leases */
	int64_t		 lease_ms;
	struct pgconn	 w;		/* the committer's */
	struct pgconn	 r;		/* readers', under rmu */
	pthread_mutex_t	 rmu;
	pthread_mutex_t	 smu;		/* guards down and why */
	bool		 down;
	char		 why[TERR_MAX];
	bool		 damaged;	/* atomic: see store_ops.damaged */
	/* The listener (listener_main): store_params.on_enqueue for the
	 * messages other relays commit. */
	void		(*on_enqueue)(void *);
	void		*on_enqueue_arg;
	pthread_t	 listener;
	bool		 listening;	/* the thread runs */
	int		 w_pid;		/* atomic: the writer's server process */
	int		 stop[2];	/* a byte on stop[1] ends it */
};

/* Parameters of one statement, all sent as text but payloads (binary). */
struct params {
	int		 n;
	const char	*v[MAXP];
	int		 len[MAXP];
	int		 fmt[MAXP];
	char		 num[MAXP][24];
};

static void
p_text(struct params *p, const char *s)
{
	p->v[p->n] = s;
	p->len[p->n] = 0;
	p->fmt[p->n] = 0;
	p->n++;
}

static void
p_int(struct params *p, int64_t x)
{
	snprintf(p->num[p->n], sizeof(p->num[0]), "%" PRId64, x);
	p_text(p, p->num[p->n]);
}

static void
p_bool(struct params *p, bool b)
{
	p_text(p, b ? "t" : "f");
}

static void
p_bytes(struct params *p, const void *b, size_t n)
{
	p->v[p->n] = n > 0 ? b : "";
	p->len[p->n] = (int)n;
	p->fmt[p->n] = 1;
	p->n++;
}

static void
set_down(struct pgbe *be, bool down, const char *why)
{
	pthread_mutex_lock(&be->smu);
	be->down = down;
	if (why != NULL)
		snprintf(be->why, sizeof(be->why), "%s", why);
	pthread_mutex_unlock(&be->smu);
}

static bool
is_down(struct pgbe *be)
{
	bool	 d;

	pthread_mutex_lock(&be->smu);
	d = be->down;
	pthread_mutex_unlock(&be->smu);
	return d;
}

static bool
be_unreachable(void *arg, struct terr *why)
{
	struct pgbe	*be = arg;
	bool		 d;

	pthread_mutex_lock(&be->smu);
	d = be->down;
	if (d && why != NULL)
		terr_set(why, "%s", be->why);
	pthread_mutex_unlock(&be->smu);
	return d;
}

static bool
be_damaged(void *arg)
{
	struct pgbe	*be = arg;

	return __atomic_load_n(&be->damaged, __ATOMIC_RELAXED);
}

/* libpq's text on one line, the URL's password taken out. */
static void
clean(struct pgbe *be, const char *in, char *out, size_t len)
{
	char	*p;

	snprintf(out, len, "%s", in != NULL && *in != '\0' ? in : "no answer");
	for (p = out; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	while (p > out && p[-1] == ' ')
		*--p = '\0';
	redactor_fix(be->secrets, out, len);
}

/* Closes a connection that failed; the next use connects again. */
static void
lost(struct pgbe *be, struct pgconn *pc, const char *why)
{
	PQfinish(pc->c);
	pc->c = NULL;
	pc->prepared = false;
	pc->backoff = pc->backoff == 0 ? BACKOFF_MIN_MS :
	    (pc->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : pc->backoff * 2);
	set_down(be, true, why);
}

static void
no_notices(void *arg, const char *msg)
{
}

/* A new connection to the URL (PQstatus says whether it worked; NULL when
 * memory ran out). */
static PGconn *
connect_url(struct pgbe *be)
{
	/* Defaults the URL may override (it comes last): a server that
	 * vanishes without closing the connection (a host down, a partition)
	 * fails a statement within about half a minute rather than after
	 * the kernel's retransmissions, a quarter of an hour. */
	const char *const keys[] = { "connect_timeout", "application_name",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "tcp_user_timeout", "dbname", NULL };
	const char *const vals[] = { CONNECT_TIMEOUT, "tocsin", "10", "5", "3",
	    "30000", be->url, NULL };
	PGconn	*c = PQconnectdbParams(keys, vals, 1);

	if (c != NULL)
		PQsetNoticeProcessor(c, no_notices, NULL);
	return c;
}

/* pc connected, or -1: connecting failed now, or the backoff of an
 * earlier failure still runs while the database is believed down. */
static int
conn_get(struct pgbe *be, struct pgconn *pc, struct terr *err)
{
	char		 why[400];
	PGresult	*res;
	int64_t		 now = mono_ms();

	if (pc->c != NULL)
		return 0;
	if (pc->backoff > 0 && now < pc->retry_at && is_down(be)) {
		pthread_mutex_lock(&be->smu);
		terr_set(err, "store: PostgreSQL is unreachable: %s", be->why);
		pthread_mutex_unlock(&be->smu);
		return -1;
	}
	pc->c = connect_url(be);
	if (pc->c == NULL || PQstatus(pc->c) != CONNECTION_OK) {
		clean(be, pc->c != NULL ? PQerrorMessage(pc->c) : "out of memory",
		    why, sizeof(why));
		lost(be, pc, why);
		pc->retry_at = now + pc->backoff;
		return terr_set(err, "store: cannot connect to PostgreSQL: %s", why);
	}
	/* The writer's: the promise behind the 200, COMMIT returns once the
	 * WAL is on disk (whatever the server's or role's default says). The
	 * reader writes only leases (be_due), which a server crash may lose
	 * without harm: they are renewed within a second. */
	res = PQexec(pc->c, pc == &be->w ? "SET synchronous_commit = on" :
	    "SET synchronous_commit = off");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		clean(be, PQerrorMessage(pc->c), why, sizeof(why));
		PQclear(res);
		lost(be, pc, why);
		pc->retry_at = now + pc->backoff;
		return terr_set(err, "store: PostgreSQL: %s", why);
	}
	PQclear(res);
	pc->backoff = 0;
	if (pc == &be->w)
		__atomic_store_n(&be->w_pid, PQbackendPID(pc->c), __ATOMIC_RELAXED);
	set_down(be, false, NULL);
	return 0;
}

/* "store: <what>: <PostgreSQL's message> (SQLSTATE X)", noting a lost
 * connection and damage. Never quotes data. */
static int
pgerr(struct pgbe *be, struct pgconn *pc, PGresult *res, const char *what,
    struct terr *err)
{
	const char	*state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char	*msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char		 why[400];

	clean(be, msg != NULL ? msg : PQerrorMessage(pc->c), why, sizeof(why));
	/* Class XX: data_corrupted, index_corrupted. */
	if (state != NULL && strncmp(state, "XX", 2) == 0)
		__atomic_store_n(&be->damaged, true, __ATOMIC_RELAXED);
	terr_set(err, "store: %s: %s (SQLSTATE %s)", what, why,
	    state != NULL ? state : "none");
	if (PQstatus(pc->c) != CONNECTION_OK) {
		lost(be, pc, why);
		/* The first reconnect is immediate: a server restart, a
		 * dropped connection. */
		pc->retry_at = mono_ms();
	}
	return -1;
}

/* The result of a statement on pc: res when it succeeded, else NULL with
 * err (pc closed when the connection went, see pgerr). */
static PGresult *
judge(struct pgbe *be, struct pgconn *pc, PGresult *res, const char *what,
    struct terr *err)
{
	ExecStatusType	 st = PQresultStatus(res);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		/* The other connection may have failed while this one
		 * works: the database is reachable. */
		if (is_down(be))
			set_down(be, false, NULL);
		return res;
	}
	pgerr(be, pc, res, what, err);
	PQclear(res);
	return NULL;
}

/* Runs sql with p on pc: the result (caller PQclears) or NULL with err. */
static PGresult *
q(struct pgbe *be, struct pgconn *pc, const char *sql, const struct params *p,
    const char *what, struct terr *err)
{
	PGresult	*res;

	if (conn_get(be, pc, err) == -1)
		return NULL;
	res = PQexecParams(pc->c, sql, p != NULL ? p->n : 0, NULL,
	    p != NULL ? p->v : NULL, p != NULL ? p->len : NULL,
	    p != NULL ? p->fmt : NULL, 0);
	return judge(be, pc, res, what, err);
}

/* q for statements whose result is only their row count (into *rows, may
 * be NULL). */
static int
cmd(struct pgbe *be, struct pgconn *pc, const char *sql, const struct params *p,
    const char *what, int64_t *rows, struct terr *err)
{
	PGresult	*res;

	if ((res = q(be, pc, sql, p, what, err)) == NULL)
		return -1;
	if (rows != NULL)
		*rows = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

/*
 * The intake's statements, prepared once per connection of the committer
 * (at their first use, after the migrations made their tables): each
 * notification runs them, and an unnamed statement is parsed and planned
 * by the server every time, which is most of its CPU per notification.
 */
enum prep {
	PREP_DEDUP_LOOKUP,
	PREP_INSERT,
	PREP_CLAIM,
	NPREP
};

static const char *const prep_sql[NPREP] = {
	"SELECT id FROM dedup WHERE dedup_key = $1 AND created > $2::bigint",
	"INSERT INTO messages (created, receiver, integration, dest, dedup_key,"
	" payload, next_attempt) VALUES ($1::bigint, $2, $3, $4, $5, $6,"
	" $1::bigint) RETURNING id",
	"INSERT INTO dedup (dedup_key, id, created) VALUES ($1, $2::bigint,"
	" $3::bigint) ON CONFLICT (dedup_key) DO UPDATE SET id = excluded.id,"
	" created = excluded.created WHERE dedup.created <= $4::bigint"
	" RETURNING id",
};

/* q for prepared statement k. */
static PGresult *
qp(struct pgbe *be, struct pgconn *pc, enum prep k, const struct params *p,
    const char *what, struct terr *err)
{
	char		 name[16];
	PGresult	*res;
	
	if (conn_get(be, pc, err) == -1)
		return NULL;
	if (!pc->prepared) {
		for (int i = 0; i < NPREP; i++) {
			snprintf(name, sizeof(name), "tocsin_%d", i);
			res = PQprepare(pc->c, name, prep_sql[i], 0, NULL);
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				pgerr(be, pc, res, what, err);
				PQclear(res);
				return NULL;
			}
			PQclear(res);
		}
		pc->prepared = true;
	}
	snprintf(name, sizeof(name), "tocsin_%d", (int)k);
	res = PQexecPrepared(pc->c, name, p->n, p->v, p->len, p->fmt, 0);
	return judge(be, pc, res, what, err);
}

static int64_t
col_int(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 :
	    strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static char *
col_strdup(PGresult *res, int row, int col)
{
	return strdup(PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

static bool
col_bool(PGresult *res, int row, int col)
{
	return !PQgetisnull(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

/* ---- opening ---- */

/* One migration per transaction under an advisory lock, the version read
 * inside it: relays starting together migrate one after the other, and
 * none runs a step twice. */
static int
migrate(struct pgbe *be, struct terr *err)
{
	PGresult	*res;
	struct params	 p;
	int64_t		 v;

	for (;;) {
		if (cmd(be, &be->w, "BEGIN", NULL, "migrate", NULL, err) == -1)
			return -1;
		if (cmd(be, &be->w, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")",
		    NULL, "migrate", NULL, err) == -1 ||
		    cmd(be, &be->w, "CREATE TABLE IF NOT EXISTS tocsin_schema ("
		    " one integer PRIMARY KEY CHECK (one = 1),"
		    " version integer NOT NULL)", NULL, "migrate", NULL, err) == -1)
			goto fail;
		if ((res = q(be, &be->w, "SELECT version FROM tocsin_schema", NULL,
		    "migrate", err)) == NULL)
			goto fail;
		v = PQntuples(res) > 0 ? col_int(res, 0, 0) : 0;
		PQclear(res);
		if (v > NMIGRATIONS) {
			terr_set(err, "store: database schema version %" PRId64
			    " is newer than this program knows (%d): a newer"
			    " tocsin migrated it; run that one", v, NMIGRATIONS);
			goto fail;
		}
		if (v == NMIGRATIONS)
			return cmd(be, &be->w, "COMMIT", NULL, "migrate", NULL, err);
		/* Several statements: the simple query protocol. */
		res = PQexec(be->w.c, migrations[v]);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			pgerr(be, &be->w, res, "migrate", err);
			PQclear(res);
			goto fail;
		}
		PQclear(res);
		memset(&p, 0, sizeof(p));
		p_int(&p, v + 1);
		if (cmd(be, &be->w, "INSERT INTO tocsin_schema (one, version)"
		    " VALUES (1, $1::integer) ON CONFLICT (one) DO UPDATE"
		    " SET version = excluded.version", &p, "migrate", NULL,
		    err) == -1 ||
		    cmd(be, &be->w, "COMMIT", NULL, "migrate", NULL, err) == -1)
			goto fail;
	}
fail:
	if (be->w.c != NULL)
		PQclear(PQexec(be->w.c, "ROLLBACK"));
	return -1;
}

void
store_pg_describe(const char *url, char *out, size_t len)
{
	PQconninfoOption *opts, *o;
	const char	*host = NULL, *port = NULL, *db = NULL, *user = NULL;
	char		*msg = NULL;

	if ((opts = PQconninfoParse(url, &msg)) == NULL) {
		PQfreemem(msg);
		snprintf(out, len, "postgresql://<unparsable>");
		return;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || *o->val == '\0')
			continue;
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
		else if (strcmp(o->keyword, "user") == 0)
			user = o->val;
	}
	snprintf(out, len, "postgresql://%s%s%s%s%s/%s", user ? user : "",
	    user ? "@" : "", host ? host : "", port ? ":" : "", port ? port : "",
	    db ? db : "");
	PQconninfoFree(opts);
}

/* A URI whose user info holds an '@' libpq would take as the end of it:
 * the rest of the password would become the host, and show in the
 * connection's errors. */
static bool
ambiguous_at(const char *url)
{
	const char	*p, *end;
	int		 n = 0;

	if (strncmp(url, "postgresql://", 13) == 0)
		p = url + 13;
	else if (strncmp(url, "postgres://", 11) == 0)
		p = url + 11;
	else
		return false;
	end = p + strcspn(p, "/?#");
	for (; p < end; p++)
		if (*p == '@')
			n++;
	return n > 1;
}

/* in on one line into out, every "quoted" part as "<secret>". */
static void
unquote(const char *in, char *out, size_t len)
{
	size_t	 o = 0;
	bool	 inside = false;

	for (; *in != '\0' && *in != '\n' && o + sizeof(REDACTED) + 2 < len; in++) {
		if (*in == '"') {
			if (!inside) {
				memcpy(out + o, "\"" REDACTED, sizeof(REDACTED));
				o += sizeof(REDACTED);
			} else
				out[o++] = '"';
			inside = !inside;
		} else if (!inside)
			out[o++] = *in;
	}
	if (inside)
		out[o++] = '"';
	out[o] = '\0';
}

/* The URL's password, as libpq reads it, into the redactor. */
static int
keep_password(struct pgbe *be, struct terr *err)
{
	PQconninfoOption *opts, *o;
	char		*msg = NULL;
	char		 why[300];
	int		 rc = 0;

	if ((be->secrets = redactor_new()) == NULL)
		return terr_set(err, "store: out of memory");
	if (ambiguous_at(be->url))
		return terr_set(err, "store: invalid --storage.url: more than one"
		    " '@' before the host; write an '@' in the user or password"
		    " as %%40");
	if ((opts = PQconninfoParse(be->url, &msg)) == NULL) {
		/* libpq quotes the part it could not parse, which may be the
		 * password or the whole URL: the quotes' contents go. */
		unquote(msg != NULL ? msg : "out of memory", why, sizeof(why));
		PQfreemem(msg);
		return terr_set(err, "store: invalid --storage.url: %s", why);
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    redactor_add(be->secrets, o->val) == -1)
			rc = terr_set(err, "store: out of memory");
	PQconninfoFree(opts);
	return rc;
}

static int
make_holder(struct pgbe *be, struct terr *err)
{
	char		 host[64];
	unsigned char	 raw[4];
	ssize_t		 n;

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	do
		n = getrandom(raw, sizeof(raw), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(raw))
		return terr_set(err, "store: no randomness for a lease holder");
	snprintf(be->holder, sizeof(be->holder), "%s/%ld/%02x%02x%02x%02x",
	    host, (long)getpid(), raw[0], raw[1], raw[2], raw[3]);
	return 0;
}

/*
 * Why a listener: a relay scans for due messages when its own intake
 * commits one and otherwise once a second, so a message another relay
 * accepted for a destination this one holds would wait up to a second.
 * The committer NOTIFYs CHANNEL in every transaction that stores a new
 * message (delivered at its commit, so never before the message is
 * visible); this thread LISTENs on a connection of its own and calls
 * on_enqueue, which wakes the dispatcher as a local commit does. Its own
 * writer's notifications are left out: the committer has called
 * on_enqueue for those already. A lost connection is connected again
 * after a pause, and the dispatcher woken once then, for what was missed
 * meanwhile; the scan once a second stays as the floor.
 */
static void *
listener_main(void *arg)
{
	struct pgbe	*be = arg;
	PGconn		*c = NULL;
	PGnotify	*nf;
	PGresult	*res;
	struct pollfd	 pf[2];
	int		 pause = 0;
	bool		 woke, again = false;

	for (;;) {
		pf[0].fd = -1;
		if (c != NULL) {
			pf[0].fd = PQsocket(c);
			pf[0].events = POLLIN;
		}
		pf[1].fd = be->stop[0];
		pf[1].events = POLLIN;
		pf[0].revents = pf[1].revents = 0;
		if (poll(pf, 2, c != NULL ? -1 : pause) == -1 && errno != EINTR)
			break;
		if (pf[1].revents != 0)
			break;
		if (c == NULL) {
			c = connect_url(be);
			res = c != NULL && PQstatus(c) == CONNECTION_OK ?
			    PQexec(c, "LISTEN " CHANNEL) : NULL;
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				PQclear(res);
				PQfinish(c);
				c = NULL;
				pause = pause == 0 ? BACKOFF_MIN_MS :
				    (pause * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
				    pause * 2);
				continue;
			}
			PQclear(res);
			pause = 0;
			if (again)
				be->on_enqueue(be->on_enqueue_arg);
			again = true;
			continue;
		}
		if (PQconsumeInput(c) == 0) {
			PQfinish(c);
			c = NULL;
			pause = BACKOFF_MIN_MS;
			continue;
		}
		for (woke = false; (nf = PQnotifies(c)) != NULL; PQfreemem(nf))
			if (nf->be_pid != __atomic_load_n(&be->w_pid,
			    __ATOMIC_RELAXED))
				woke = true;
		if (woke)
			be->on_enqueue(be->on_enqueue_arg);
	}
	PQfinish(c);
	return NULL;
}

static int
listener_start(struct pgbe *be, struct terr *err)
{
	if (pipe2(be->stop, O_CLOEXEC) == -1)
		return terr_set(err, "store: pipe: %s", strerror(errno));
	if (pthread_create(&be->listener, NULL, listener_main, be) != 0) {
		close(be->stop[0]);
		close(be->stop[1]);
		return terr_set(err, "store: cannot start the PostgreSQL listener");
	}
	be->listening = true;
	return 0;
}

static void
listener_stop(struct pgbe *be)
{
	ssize_t	 n;

	if (!be->listening)
		return;
	do
		n = write(be->stop[1], "x", 1);
	while (n == -1 && errno == EINTR);
	pthread_join(be->listener, NULL);
	close(be->stop[0]);
	close(be->stop[1]);
	be->listening = false;
}

static void
be_close(void *arg)
{
	struct pgbe	*be = arg;
	struct params	 p;

	if (be == NULL)
		return;
	listener_stop(be);
	/* Hands this relay's destinations over at once rather than when
	 * their leases run out; the committer has stopped, so the writer is
	 * free. */
	if (be->w.c != NULL && be->holder[0] != '\0') {
		memset(&p, 0, sizeof(p));
		p_text(&p, be->holder);
		PQclear(PQexecParams(be->w.c, "DELETE FROM dest_leases"
		    " WHERE holder = $1", p.n, NULL, p.v, p.len, p.fmt, 0));
		PQclear(PQexecParams(be->w.c, "DELETE FROM leases"
		    " WHERE holder = $1", p.n, NULL, p.v, p.len, p.fmt, 0));
	}
	PQfinish(be->w.c);
	PQfinish(be->r.c);
	pthread_mutex_destroy(&be->rmu);
	pthread_mutex_destroy(&be->smu);
	redactor_unref(be->secrets);
	if (be->url != NULL) {
		explicit_bzero(be->url, strlen(be->url));
		free(be->url);
	}
	free(be);
}

static int
be_open(const struct store_params *p, void **out, struct terr *err)
{
	struct pgbe	*be;

	if (p->url == NULL || *p->url == '\0')
		return terr_set(err, "store: no PostgreSQL URL");
	if ((be = calloc(1, sizeof(*be))) == NULL)
		return terr_set(err, "store: out of memory");
	pthread_mutex_init(&be->rmu, NULL);
	pthread_mutex_init(&be->smu, NULL);
	be->lease_ms = p->lease_ms > 0 ? p->lease_ms : STORE_PG_LEASE_MS;
	if ((be->url = strdup(p->url)) == NULL) {
		terr_set(err, "store: out of memory");
		goto fail;
	}
	be->on_enqueue = p->on_enqueue;
	be->on_enqueue_arg = p->on_enqueue_arg;
	if (keep_password(be, err) == -1 || make_holder(be, err) == -1 ||
	    conn_get(be, &be->w, err) == -1 || migrate(be, err) == -1 ||
	    (be->on_enqueue != NULL && listener_start(be, err) == -1))
		goto fail;
	*out = be;
	return 0;
fail:
	be_close(be);
	return -1;
}

/* ---- the committer's transactions ---- */

static const char *const timer_firing_sql[] = {
	"INSERT INTO escalations (receiver, group_key, body, since, next_at,"
	" repeats, escalated) VALUES ($1, $2, $3, $4::bigint, $5::bigint, 0, false)"
	" ON CONFLICT (receiver, group_key) DO UPDATE SET body = excluded.body,"
	" since = CASE WHEN escalations.resolved THEN excluded.since"
	"  ELSE escalations.since END,"
	" next_at = CASE WHEN escalations.resolved THEN excluded.next_at"
	"  ELSE escalations.next_at END,"
	" repeats = CASE WHEN escalations.resolved THEN 0"
	"  ELSE escalations.repeats END,"
	" escalated = CASE WHEN escalations.resolved THEN false"
	"  ELSE escalations.escalated END,"
	" resolved = false",
	NULL
};
static const char *const timer_resolved_sql[] = {
	"UPDATE escalations SET body = $3, next_at = $4::bigint, resolved = true"
	" WHERE receiver = $1 AND group_key = $2 AND escalated",
	"DELETE FROM escalations WHERE receiver = $1 AND group_key = $2"
	" AND NOT escalated",
	"DELETE FROM group_acks WHERE group_key = $2 AND (receiver = $1"
	" OR receiver = $3)",
	NULL
};

static int
run_timer(struct pgbe *be, const struct store_timer *t, int64_t now,
    struct terr *err)
{
	struct params	 p;

	if (!t->resolved) {
		memset(&p, 0, sizeof(p));
		p_text(&p, t->receiver);
		p_text(&p, t->group_key);
		p_text(&p, t->body);
		p_int(&p, now);
		p_int(&p, now + t->first_ms);
		return cmd(be, &be->w, timer_firing_sql[0], &p,
		    "escalation update failed", NULL, err);
	}
	memset(&p, 0, sizeof(p));
	p_text(&p, t->receiver);
	p_text(&p, t->group_key);
	p_text(&p, t->body);
	p_int(&p, now);
	if (cmd(be, &be->w, timer_resolved_sql[0], &p,
	    "escalation update failed", NULL, err) == -1)
		return -1;
	p.n = 2;
	if (cmd(be, &be->w, timer_resolved_sql[1], &p,
	    "escalation update failed", NULL, err) == -1)
		return -1;
	p_text(&p, t->escalate_to);
	return cmd(be, &be->w, timer_resolved_sql[2], &p,
	    "escalation update failed", NULL, err);
}

static int
action_put(struct pgbe *be, const struct action_rec *r, struct terr *err)
{
	struct params	 p;

	memset(&p, 0, sizeof(p));
	p_text(&p, r->id);
	p_int(&p, r->created);
	p_int(&p, r->expires);
	p_text(&p, r->receiver ? r->receiver : "");
	p_text(&p, r->integration ? r->integration : "");
	p_text(&p, r->group_key ? r->group_key : "");
	p_text(&p, r->labels ? r->labels : "{}");
	p_text(&p, r->chat ? r->chat : "");
	p_int(&p, r->message_id);
	p_text(&p, r->silence_id ? r->silence_id : "");
	return cmd(be, &be->w, "INSERT INTO action_records (id, created,"
	    " expires, receiver, integration, group_key, labels, chat,"
	    " message_id, silence_id) VALUES ($1, $2::bigint, $3::bigint, $4, $5,"
	    " $6, $7, $8, $9::bigint, $10) ON CONFLICT (id) DO UPDATE SET"
	    " created = excluded.created, expires = excluded.expires,"
	    " receiver = excluded.receiver, integration = excluded.integration,"
	    " group_key = excluded.group_key, labels = excluded.labels,"
	    " chat = excluded.chat, message_id = excluded.message_id,"
	    " silence_id = excluded.silence_id", &p,
	    "action record insert failed", NULL, err);
}

/* 1 when timer t (receiver, group key, since) still runs unresolved, 0
 * when it ended or another started, -1 on a database error. The row is
 * locked until the transaction ends (FOR SHARE), so that a resolved
 * notification another relay commits meanwhile waits for this step's
 * messages and comes after them. */
static int
timer_runs(struct pgbe *be, const struct store_escalation *t, struct terr *err)
{
	PGresult	*res;
	struct params	 p;
	int		 rc;

	memset(&p, 0, sizeof(p));
	p_text(&p, t->receiver);
	p_text(&p, t->group_key);
	p_int(&p, t->since);
	if ((res = q(be, &be->w, "SELECT 1 FROM escalations WHERE receiver = $1"
	    " AND group_key = $2 AND since = $3::bigint AND NOT resolved"
	    " FOR SHARE", &p, "escalation timer lookup failed", err)) == NULL)
		return -1;
	rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

/* The message holding key within the window, or *id 0. */
static int
dedup_lookup(struct pgbe *be, const char *key, int64_t cutoff, int64_t *id,
    struct terr *err)
{
	PGresult	*res;
	struct params	 p;

	memset(&p, 0, sizeof(p));
	p_text(&p, key);
	p_int(&p, cutoff);
	if ((res = qp(be, &be->w, PREP_DEDUP_LOOKUP, &p, "dedup lookup failed",
	    err)) == NULL)
		return -1;
	*id = PQntuples(res) > 0 ? col_int(res, 0, 0) : 0;
	PQclear(res);
	return 0;
}

/*
 * A key held within the window (by this batch or a committed one) makes
 * the message its holder's duplicate. Otherwise the message is inserted
 * and claims its key: the key's row is created, or taken over from a
 * message accepted before the window. When another relay claimed the key
 * in between, this transaction waits on the key's row until that one
 * commits, finds it held, takes the insert back and answers duplicate:
 * the same notification posted to two relays is queued once.
 */
static int
run_enqueue(struct pgbe *be, struct store_job *job, int64_t now,
    struct terr *err)
{
	const struct store_msg *m;
	PGresult	*res;
	struct params	 p;
	size_t		 i;
	int64_t		 id, held, cutoff;
	int		 rc;
	bool		 keyed, claimed;

	if (job->only_if != NULL) {
		if ((rc = timer_runs(be, job->only_if, err)) == -1)
			return -1;
		if (rc == 0) {
			for (i = 0; i < job->nmsgs; i++)
				job->acks[i] = (struct store_ack){ STORE_STALE, 0 };
			return 0;
		}
	}
	cutoff = now - (job->window_ms > 0 ? job->window_ms : 0);
	for (i = 0; i < job->nmsgs; i++) {
		m = &job->msgs[i];
		keyed = m->dedup_key != NULL && *m->dedup_key != '\0';
		if (keyed && job->window_ms > 0) {
			if (dedup_lookup(be, m->dedup_key, cutoff, &held, err) == -1)
				return -1;
			if (held != 0) {
				job->acks[i].verdict = STORE_DUPLICATE;
				job->acks[i].id = held;
				continue;
			}
		}
		memset(&p, 0, sizeof(p));
		p_int(&p, now);
		p_text(&p, m->receiver != NULL ? m->receiver : "");
		p_text(&p, m->integration != NULL ? m->integration : "");
		p_text(&p, m->dest != NULL ? m->dest : "");
		p_text(&p, keyed ? m->dedup_key : NULL);
		p_bytes(&p, m->payload, m->payload_len);
		if ((res = qp(be, &be->w, PREP_INSERT, &p, "insert failed",
		    err)) == NULL)
			return -1;
		id = col_int(res, 0, 0);
		PQclear(res);
		if (keyed) {
			memset(&p, 0, sizeof(p));
			p_text(&p, m->dedup_key);
			p_int(&p, id);
			p_int(&p, now);
			p_int(&p, cutoff);
			if ((res = qp(be, &be->w, PREP_CLAIM, &p, "dedup failed",
			    err)) == NULL)
				return -1;
			claimed = PQntuples(res) > 0;
			PQclear(res);
			if (!claimed) {
				memset(&p, 0, sizeof(p));
				p_int(&p, id);
				if (cmd(be, &be->w, "DELETE FROM messages"
				    " WHERE id = $1::bigint", &p, "dedup failed",
				    NULL, err) == -1 ||
				    dedup_lookup(be, m->dedup_key, cutoff, &held,
				    err) == -1)
					return -1;
				job->acks[i].verdict = STORE_DUPLICATE;
				job->acks[i].id = held;
				continue;
			}
		}
		job->acks[i].verdict = STORE_ACCEPTED;
		job->acks[i].id = id;
		if (m->action != NULL && action_put(be, m->action, err) == -1)
			return -1;
	}
	for (i = 0; i < job->ntimers; i++)
		if (run_timer(be, &job->timers[i], job->when, err) == -1)
			return -1;
	return 0;
}

/* Why an update by id changed nothing: the job is refused, the
 * transaction goes on. */
static int
refuse(struct pgbe *be, struct store_job *job, const char *want,
    struct terr *err)
{
	PGresult	*res;
	struct params	 p;

	memset(&p, 0, sizeof(p));
	p_int(&p, job->id);
	if ((res = q(be, &be->w, "SELECT state FROM messages WHERE id = $1::bigint",
	    &p, "state lookup failed", err)) == NULL)
		return -1;
	job->rc = -1;
	if (PQntuples(res) > 0)
		terr_set(&job->err, "store: message %" PRId64 " is %s, not %s",
		    job->id, PQgetvalue(res, 0, 0), want);
	else
		terr_set(&job->err, "store: no message %" PRId64, job->id);
	PQclear(res);
	return 0;
}

static int
run_receipt(struct pgbe *be, struct store_job *job, struct terr *err)
{
	const struct store_receipt *r = job->rcpt;
	const char	*sql;
	struct params	 p;

	memset(&p, 0, sizeof(p));
	switch (job->kind) {
	case STORE_JOB_RECEIPT_PUT:
		p_text(&p, r->receipt);
		p_text(&p, r->receiver);
		p_text(&p, r->integration);
		p_text(&p, r->group_key);
		p_int(&p, r->expires);
		p_int(&p, r->next_poll);
		p_bool(&p, r->cancel);
		sql = "INSERT INTO receipts (receipt, receiver, integration,"
		    " group_key, expires, next_poll, cancel) VALUES ($1, $2, $3,"
		    " $4, $5::bigint, $6::bigint, $7::boolean) ON CONFLICT (receipt)"
		    " DO UPDATE SET receiver = excluded.receiver,"
		    " integration = excluded.integration,"
		    " group_key = excluded.group_key, expires = excluded.expires,"
		    " next_poll = excluded.next_poll, cancel = excluded.cancel";
		break;
	case STORE_JOB_RECEIPT_LATER:
		p_text(&p, r->receipt);
		p_int(&p, r->next_poll);
		sql = "UPDATE receipts SET next_poll = $2::bigint WHERE receipt = $1";
		break;
	case STORE_JOB_RECEIPT_CANCEL:
		p_text(&p, r->receiver);
		p_text(&p, r->group_key);
		p_int(&p, job->when);
		sql = "UPDATE receipts SET cancel = true, next_poll = $3::bigint"
		    " WHERE receiver = $1 AND group_key = $2";
		break;
	case STORE_JOB_RECEIPT_DROP:
		p_text(&p, r->receipt);
		sql = "DELETE FROM receipts WHERE receipt = $1";
		break;
	default:	/* STORE_JOB_GROUP_ACK */
		p_text(&p, r->receiver);
		p_text(&p, r->group_key);
		p_text(&p, job->why);
		p_int(&p, job->when);
		sql = "INSERT INTO group_acks (receiver, group_key, acked_by,"
		    " acked_at) VALUES ($1, $2, $3, $4::bigint)"
		    " ON CONFLICT (receiver, group_key) DO UPDATE SET"
		    " acked_by = excluded.acked_by, acked_at = excluded.acked_at";
		break;
	}
	return cmd(be, &be->w, sql, &p, "receipt update failed", NULL, err);
}

/* An update touches only the timer it read (same since), never one a
 * resolved notification dropped meanwhile. */
static int
run_escalation(struct pgbe *be, struct store_job *job, struct terr *err)
{
	const struct store_escalation *e = job->esc;
	bool		 upd = job->kind == STORE_JOB_ESCALATION_UPDATE;
	struct params	 p;

	memset(&p, 0, sizeof(p));
	p_text(&p, e->receiver);
	p_text(&p, e->group_key);
	p_int(&p, e->since);
	if (upd) {
		p_int(&p, e->next_at);
		p_int(&p, e->repeats);
		p_bool(&p, e->escalated);
	}
	return cmd(be, &be->w, upd ?
	    "UPDATE escalations SET next_at = $4::bigint, repeats = $5::bigint,"
	    " escalated = $6::boolean WHERE receiver = $1 AND group_key = $2"
	    " AND since = $3::bigint AND NOT resolved" :
	    "DELETE FROM escalations WHERE receiver = $1 AND group_key = $2"
	    " AND since = $3::bigint", &p, "escalation update failed", NULL, err);
}

static int
run_phone_job(struct pgbe *be, struct store_job *job, int64_t now,
    struct terr *err)
{
	struct params	 p;
	int64_t		 rows;

	memset(&p, 0, sizeof(p));
	switch (job->kind) {
	case STORE_JOB_ACTION_PUT:
		return action_put(be, job->rec, err);
	case STORE_JOB_ACTION_MESSAGE:
	case STORE_JOB_ACTION_SILENCE:
		p_text(&p, job->name);
		if (job->kind == STORE_JOB_ACTION_MESSAGE)
			p_int(&p, job->value);
		else
			p_text(&p, job->text ? job->text : "");
		if (cmd(be, &be->w, job->kind == STORE_JOB_ACTION_MESSAGE ?
		    "UPDATE action_records SET message_id = $2::bigint WHERE id = $1" :
		    "UPDATE action_records SET silence_id = $2 WHERE id = $1", &p,
		    "action record update failed", &rows, err) == -1)
			return -1;
		if (rows == 0) {
			job->rc = -1;
			terr_set(&job->err, "store: no action record %s", job->name);
		}
		return 0;
	case STORE_JOB_GROUP_MESSAGE:
		p_text(&p, job->name);
		p_text(&p, job->name2);
		p_text(&p, job->why);
		p_text(&p, job->text ? job->text : "");
		p_int(&p, job->value);
		p_int(&p, now);
		return cmd(be, &be->w, "INSERT INTO group_messages (receiver,"
		    " integration, group_key, chat, message_id, updated) VALUES"
		    " ($1, $2, $3, $4, $5::bigint, $6::bigint)"
		    " ON CONFLICT (receiver, integration, group_key) DO UPDATE SET"
		    " chat = excluded.chat, message_id = excluded.message_id,"
		    " updated = excluded.updated", &p,
		    "group message insert failed", NULL, err);
	default:
		p_text(&p, job->name);
		p_int(&p, job->value);
		return cmd(be, &be->w, "INSERT INTO cursors (name, value) VALUES"
		    " ($1, $2::bigint) ON CONFLICT (name) DO UPDATE SET"
		    " value = excluded.value", &p, "cursor update failed", NULL,
		    err);
	}
}

static int
run_prune(struct pgbe *be, struct store_job *job, struct terr *err)
{
	struct params	 p;

	memset(&p, 0, sizeof(p));
	p_int(&p, job->when);
	if (cmd(be, &be->w, "DELETE FROM messages WHERE state <> 'pending'"
	    " AND done_at < $1::bigint", &p, "prune failed", &job->count,
	    err) == -1 ||
	    cmd(be, &be->w, "DELETE FROM action_records WHERE expires < $1::bigint",
	    &p, "prune failed", NULL, err) == -1 ||
	    cmd(be, &be->w, "DELETE FROM group_messages WHERE updated < $1::bigint",
	    &p, "prune failed", NULL, err) == -1)
		return -1;
	return 0;
}

static int
run_job(struct pgbe *be, struct store_job *job, int64_t now, struct terr *err)
{
	const char	*sql, *want = "pending";
	struct params	 p;
	int64_t		 rows;

	job->rc = 0;
	job->count = 0;
	job->err.msg[0] = '\0';
	memset(&p, 0, sizeof(p));
	p_int(&p, job->id);
	switch (job->kind) {
	case STORE_JOB_ENQUEUE:
		return run_enqueue(be, job, now, err);
	case STORE_JOB_DELIVERED:
		p_int(&p, now);
		sql = "UPDATE messages SET state = 'delivered', done_at = $2::bigint"
		    " WHERE id = $1::bigint AND state = 'pending'";
		break;
	case STORE_JOB_RETRY:
		p_int(&p, job->when);
		p_text(&p, job->why);
		sql = "UPDATE messages SET attempts = attempts + 1,"
		    " next_attempt = $2::bigint, last_error = $3"
		    " WHERE id = $1::bigint AND state = 'pending'";
		break;
	case STORE_JOB_WAIT:
		p_int(&p, job->when);
		p_text(&p, job->why);
		sql = "UPDATE messages SET next_attempt = $2::bigint, last_error = $3"
		    " WHERE id = $1::bigint AND state = 'pending'";
		break;
	case STORE_JOB_DEAD:
		p_int(&p, now);
		p_text(&p, job->why);
		sql = "UPDATE messages SET state = 'dead', attempts = attempts + 1,"
		    " done_at = $2::bigint, last_error = $3"
		    " WHERE id = $1::bigint AND state = 'pending'";
		break;
	case STORE_JOB_REQUEUE:
		p_int(&p, now);
		sql = "UPDATE messages SET state = 'pending', attempts = 0,"
		    " next_attempt = $2::bigint, done_at = NULL"
		    " WHERE id = $1::bigint AND state = 'dead'";
		want = "dead";
		break;
	case STORE_JOB_DROP:
		sql = "DELETE FROM messages WHERE id = $1::bigint";
		break;
	case STORE_JOB_PRUNE:
		return run_prune(be, job, err);
	case STORE_JOB_ACTION_PUT:
	case STORE_JOB_ACTION_MESSAGE:
	case STORE_JOB_ACTION_SILENCE:
	case STORE_JOB_CURSOR:
	case STORE_JOB_GROUP_MESSAGE:
		return run_phone_job(be, job, now, err);
	case STORE_JOB_RECEIPT_PUT:
	case STORE_JOB_RECEIPT_LATER:
	case STORE_JOB_RECEIPT_CANCEL:
	case STORE_JOB_RECEIPT_DROP:
	case STORE_JOB_GROUP_ACK:
		return run_receipt(be, job, err);
	case STORE_JOB_ESCALATION_UPDATE:
	case STORE_JOB_ESCALATION_DROP:
		return run_escalation(be, job, err);
	default:
		return terr_set(err, "store: unknown request %d", (int)job->kind);
	}
	if (cmd(be, &be->w, sql, &p, "update failed", &rows, err) == -1)
		return -1;
	if (rows == 0)
		return refuse(be, job, want, err);
	return 0;
}

static int
be_apply(void *arg, struct store_job **jobs, size_t n, int64_t now,
    struct terr *err)
{
	struct pgbe	*be = arg;
	size_t		 i;
	bool		 notify = false;

	if (cmd(be, &be->w, "BEGIN", NULL, "cannot begin a transaction", NULL,
	    err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (run_job(be, jobs[i], now, err) == -1)
			goto fail;
	/* New messages: the other relays' listeners hear of them at the
	 * commit (listener_main). */
	for (i = 0; i < n && !notify; i++) {
		if (jobs[i]->kind == STORE_JOB_REQUEUE && jobs[i]->rc == 0)
			notify = true;
		for (size_t k = 0; jobs[i]->kind == STORE_JOB_ENQUEUE &&
		    jobs[i]->rc == 0 && k < jobs[i]->nmsgs; k++)
			if (jobs[i]->acks[k].verdict == STORE_ACCEPTED)
				notify = true;
	}
	if (notify && cmd(be, &be->w, "NOTIFY " CHANNEL, NULL,
	    "cannot notify", NULL, err) == -1)
		goto fail;
	/* With synchronous_commit on, COMMIT answers once the WAL is
	 * flushed. A connection lost before its answer leaves the outcome
	 * unknown: reported as a failure, so Alertmanager sends again and
	 * the dedup key keeps a committed one from going out twice. */
	if (cmd(be, &be->w, "COMMIT", NULL, "cannot commit", NULL, err) == -1)
		goto fail;
	return 0;
fail:
	if (be->w.c != NULL && PQtransactionStatus(be->w.c) != PQTRANS_IDLE)
		PQclear(PQexec(be->w.c, "ROLLBACK"));
	return -1;
}

/* ---- reads ---- */

static enum store_state
parse_state(const char *s)
{
	if (strcmp(s, "delivered") == 0)
		return STORE_DELIVERED;
	if (strcmp(s, "dead") == 0)
		return STORE_DEAD;
	return STORE_PENDING;
}

/* Fills e from row of COLS followed by the payload (with_payload) or its
 * length; -1 when memory runs out (e half filled, freed by the caller). */
static int
row_entry(PGresult *res, int row, struct store_entry *e, bool with_payload)
{
	unsigned char	*raw;
	size_t		 len;

	memset(e, 0, sizeof(*e));
	e->id = col_int(res, row, 0);
	e->created = col_int(res, row, 1);
	e->receiver = col_strdup(res, row, 2);
	e->integration = col_strdup(res, row, 3);
	e->dest = col_strdup(res, row, 4);
	e->dedup_key = col_strdup(res, row, 5);
	e->state = parse_state(PQgetvalue(res, row, 6));
	e->attempts = (int)col_int(res, row, 7);
	e->next_attempt = col_int(res, row, 8);
	e->last_error = col_strdup(res, row, 9);
	e->done_at = col_int(res, row, 10);
	if (with_payload) {
		raw = PQunescapeBytea((const unsigned char *)PQgetvalue(res, row,
		    11), &len);
		if (raw == NULL)
			return -1;
		/* One spare NUL so that text payloads can be used as strings. */
		if ((e->payload = malloc(len + 1)) == NULL) {
			PQfreemem(raw);
			return -1;
		}
		memcpy(e->payload, raw, len);
		((char *)e->payload)[len] = '\0';
		e->payload_len = len;
		PQfreemem(raw);
	} else
		e->payload_len = (size_t)col_int(res, row, 11);
	if (e->receiver == NULL || e->integration == NULL || e->dest == NULL ||
	    e->dedup_key == NULL || e->last_error == NULL)
		return -1;
	return 0;
}

/* The reader's query under rmu: the result or NULL with err. */
static PGresult *
rq(struct pgbe *be, const char *sql, const struct params *p, struct terr *err)
{
	PGresult	*res;

	pthread_mutex_lock(&be->rmu);
	res = q(be, &be->r, sql, p, "read failed", err);
	pthread_mutex_unlock(&be->rmu);
	return res;
}

static int
read_one(struct pgbe *be, const char *sql, const struct params *p,
    struct store_entry **out, struct terr *err)
{
	PGresult	*res;
	struct store_entry *e;

	*out = NULL;
	if ((res = rq(be, sql, p, err)) == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL || row_entry(res, 0, e, true) == -1) {
		store_entry_free(e);
		PQclear(res);
		return terr_set(err, "store: out of memory");
	}
	PQclear(res);
	*out = e;
	return 0;
}

static int
be_head(void *arg, const char *dest, struct store_entry **out, struct terr *err)
{
	struct params	 p;

	memset(&p, 0, sizeof(p));
	p_text(&p, dest);
	return read_one(arg, "SELECT " COLS ", payload FROM messages"
	    " WHERE dest = $1 AND state = 'pending' ORDER BY id LIMIT 1", &p,
	    out, err);
}

static int
be_get(void *arg, int64_t id, struct store_entry **out, struct terr *err)
{
	struct params	 p;

	memset(&p, 0, sizeof(p));
	p_int(&p, id);
	return read_one(arg, "SELECT " COLS ", payload FROM messages"
	    " WHERE id = $1::bigint", &p, out, err);
}

/*
 * The due heads of the destinations this relay may send to, claiming them.
 *
 * Per-destination order means only a destination's head is ever in flight,
 * so a claim on the destination claims its head and everything queued
 * behind it: one lease row per destination (holder, lease_until) does what
 * a claim on each message (FOR UPDATE SKIP LOCKED, claimed_by) would, and
 * more: two relays never send to one destination at the same time, so its
 * order and its rate limit (a 429's wait is the head's next_attempt, in
 * the database) hold across relays. A row rather than an advisory lock,
 * because a session lock lives as long as a connection: one that dies
 * with a half-open TCP connection would hold its destinations until the
 * server noticed, and a reconnecting reader would lose them mid-send. The
 * lease is taken or renewed here, which the dispatcher calls at least once
 * a second and after every send it marks, so it is renewed while the
 * relay lives (and while a send is in flight: the head is still due). A
 * relay killed mid-send leaves it to run out; another then takes the
 * destination and sends the head again: at most one duplicate per kill.
 * A lease must outlast the longest send (the send timeout).
 */
static int
be_due(void *arg, int64_t now, struct store_head **out, size_t *n,
    struct terr *err)
{
	struct pgbe	*be = arg;
	PGresult	*res;
	struct params	 p;
	struct store_head *h;
	int		 i, rows;

	*out = NULL;
	*n = 0;
	memset(&p, 0, sizeof(p));
	p_int(&p, now);
	p_text(&p, be->holder);
	p_int(&p, be->lease_ms);
	/* A lease still good for more than half its length is not renewed:
	 * a scan writes (and the server's WAL grows) only every so often,
	 * not at each of the dispatcher's wake-ups. */
	p_int(&p, be->lease_ms / 2);
	if ((res = rq(be, HEADS ", due AS (SELECT * FROM h"
	    " WHERE next_attempt <= $1::bigint),"
	    " l AS (INSERT INTO dest_leases (dest, holder, lease_until)"
	    " SELECT dest, $2::text, " DBNOW " + $3::bigint FROM due ORDER BY dest"
	    " ON CONFLICT (dest) DO UPDATE SET holder = excluded.holder,"
	    " lease_until = excluded.lease_until"
	    " WHERE dest_leases.lease_until < " DBNOW
	    " OR (dest_leases.holder = excluded.holder"
	    " AND dest_leases.lease_until < " DBNOW " + $4::bigint)"
	    " RETURNING dest)"
	    " SELECT due.dest, due.id, due.next_attempt FROM due"
	    " WHERE due.dest IN (SELECT dest FROM l) OR EXISTS (SELECT 1"
	    " FROM dest_leases x WHERE x.dest = due.dest AND x.holder = $2::text"
	    " AND x.lease_until >= " DBNOW ") ORDER BY due.id", &p, err)) == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows == 0) {
		PQclear(res);
		return 0;
	}
	if ((h = calloc((size_t)rows, sizeof(*h))) == NULL) {
		PQclear(res);
		return terr_set(err, "store: out of memory");
	}
	for (i = 0; i < rows; i++) {
		h[i].id = col_int(res, i, 1);
		h[i].next_attempt = col_int(res, i, 2);
		if ((h[i].dest = col_strdup(res, i, 0)) == NULL) {
			store_heads_free(h, (size_t)i);
			PQclear(res);
			return terr_set(err, "store: out of memory");
		}
	}
	PQclear(res);
	*out = h;
	*n = (size_t)rows;
	return 0;
}

/* The earliest head, but of destinations another relay holds: those are
 * its to send, and would only wake this one early. */
static int
be_next_due(void *arg, int64_t *when, struct terr *err)
{
	struct pgbe	*be = arg;
	PGresult	*res;
	struct params	 p;

	memset(&p, 0, sizeof(p));
	p_text(&p, be->holder);
	if ((res = rq(be, HEADS " SELECT MIN(h.next_attempt) FROM h"
	    " LEFT JOIN dest_leases l ON l.dest = h.dest AND l.holder <> $1"
	    " AND l.lease_until >= " DBNOW " WHERE l.dest IS NULL", &p,
	    err)) == NULL)
		return -1;
	*when = PQntuples(res) == 0 || PQgetisnull(res, 0, 0) ? -1 :
	    col_int(res, 0, 0);
	PQclear(res);
	return 0;
}

static int
be_count(void *arg, int64_t counts[STORE_NSTATES], struct terr *err)
{
	PGresult	*res;
	int		 i;

	memset(counts, 0, STORE_NSTATES * sizeof(counts[0]));
	if ((res = rq(arg, "SELECT state, COUNT(*) FROM messages GROUP BY state",
	    NULL, err)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++)
		counts[parse_state(PQgetvalue(res, i, 0))] = col_int(res, i, 1);
	PQclear(res);
	return 0;
}

static int
be_list(void *arg, unsigned states, struct store_entry **out, size_t *n,
    struct terr *err)
{
	PGresult	*res;
	struct params	 p;
	struct store_entry *e;
	int		 i, rows;

	*out = NULL;
	*n = 0;
	memset(&p, 0, sizeof(p));
	for (i = 0; i < STORE_NSTATES; i++)
		p_text(&p, states & (1u << i) ?
		    store_state_str((enum store_state)i) : NULL);
	if ((res = rq(arg, "SELECT " COLS ", octet_length(payload) FROM messages"
	    " WHERE state IN ($1, $2, $3) ORDER BY id", &p, err)) == NULL)
		return -1;
	if ((rows = PQntuples(res)) == 0) {
		PQclear(res);
		return 0;
	}
	if ((e = calloc((size_t)rows, sizeof(*e))) == NULL) {
		PQclear(res);
		return terr_set(err, "store: out of memory");
	}
	for (i = 0; i < rows; i++)
		if (row_entry(res, i, &e[i], false) == -1) {
			store_entries_free(e, (size_t)i + 1);
			PQclear(res);
			return terr_set(err, "store: out of memory");
		}
	PQclear(res);
	*out = e;
	*n = (size_t)rows;
	return 0;
}

/* Takes or renews lease name for ms (0: the store's lease length) when it
 * is free, ran out or is this relay's already. */
static int
be_lease(void *arg, const char *name, int64_t ms, bool *held,
    struct terr *err)
{
	struct pgbe	*be = arg;
	PGresult	*res;
	struct params	 p;

	*held = false;
	memset(&p, 0, sizeof(p));
	p_text(&p, name);
	p_text(&p, be->holder);
	p_int(&p, ms > 0 ? ms : be->lease_ms);
	if ((res = rq(be, "INSERT INTO leases (name, holder, lease_until)"
	    " VALUES ($1, $2, " DBNOW " + $3::bigint) ON CONFLICT (name) DO UPDATE"
	    " SET holder = excluded.holder, lease_until = excluded.lease_until"
	    " WHERE leases.lease_until < " DBNOW
	    " OR leases.holder = excluded.holder RETURNING 1", &p, err)) == NULL)
		return -1;
	*held = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

/*
 * Rate limits across relays: the token buckets of ratelimit.c, in
 * rate_buckets, so that what a destination's limit or an account's (a bot's
 * 30/s) allowed is counted once however many relays send.
 *
 * Why every take goes to the database, and not only the shared ones: a
 * destination's bucket is used by one relay at a time (its lease), but the
 * lease moves, on a clean stop at once, and the relay taking over must go
 * on from where the bucket was, not from a full one; keeping the bucket in
 * the database always is one way to be sure of that, and it costs one
 * statement per send, next to the mark that each send commits anyway.
 * Why a function rather than an UPDATE: a take is all or nothing over the
 * send's buckets (its chat's and its bot's), decided under their row
 * locks, and plain SQL would need a transaction of several round trips for
 * that. The keys are locked in one order (sorted here), so two relays
 * taking the same two buckets never deadlock. Why the database's clock: it
 * is the one that every relay reads alike, as for the leases. Why the
 * reader's connection (synchronous_commit off): a bucket that a server
 * crash loses refills at most a burst early.
 */

/* Sorts wants by key: the order in which the buckets' rows are locked. */
static int
want_cmp(const void *a, const void *b)
{
	const struct rl_want *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

/* The keys of w[0..n-1] in the order of o as an array literal, {"k",...}
 * with " and \ escaped, into b (len bytes): -1 when it does not fit. */
static int
keys_literal(const struct rl_want *const *o, size_t n, char *b, size_t len)
{
	size_t	 at = 0;

	if (len < 3)
		return -1;
	b[at++] = '{';
	for (size_t i = 0; i < n; i++) {
		if (at + 3 >= len)
			return -1;
		if (i > 0)
			b[at++] = ',';
		b[at++] = '"';
		for (const char *k = o[i]->key; *k != '\0'; k++) {
			if (at + 4 >= len)
				return -1;
			if (*k == '"' || *k == '\\')
				b[at++] = '\\';
			b[at++] = *k;
		}
		b[at++] = '"';
	}
	if (at + 2 > len)
		return -1;
	b[at++] = '}';
	b[at] = '\0';
	return 0;
}

/* The rates (per second) or the bursts of o[0..n-1] as {x,...}. */
static void
nums_literal(const struct rl_want *const *o, size_t n, bool burst, char *b,
    size_t len)
{
	size_t	 at = 0;

	at += (size_t)snprintf(b, len, "{");
	for (size_t i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(b + at, len - at, "%s%.17g", i ? "," : "",
		    burst ? (o[i]->rate.burst < 1 ? 1 : o[i]->rate.burst) :
		    o[i]->rate.per_sec);
	if (at < len)
		snprintf(b + at, len - at, "}");
}

#define RATE_KEYS_MAX	16
#define RATE_KEYS_LEN	(RATE_KEYS_MAX * (2 * sizeof(((struct rl_want *)0)->key) + 3) + 3)

/* The first RATE_KEYS_MAX of the n wants at w (*n clamped to them), in
 * key order, the order both statements lock rows in, into o; their keys
 * as an array literal into keys. */
static int
rate_keys(const struct rl_want *w, size_t *n, const struct rl_want **o,
    char keys[RATE_KEYS_LEN], struct terr *err)
{
	if (*n > RATE_KEYS_MAX)
		*n = RATE_KEYS_MAX;
	for (size_t i = 0; i < *n; i++)
		o[i] = &w[i];
	qsort(o, *n, sizeof(o[0]), want_cmp);
	if (keys_literal(o, *n, keys, RATE_KEYS_LEN) == -1)
		return terr_set(err, "store: rate-limit keys too long");
	return 0;
}

/* A time in milliseconds, or NULL (the database's clock) when negative. */
static void
p_now(struct params *p, int64_t now)
{
	if (now >= 0)
		p_int(p, now);
	else
		p_text(p, NULL);
}

static int
be_rate_take(void *arg, const struct rl_want *w, size_t n, int64_t now,
    int64_t *wait, struct terr *err)
{
	struct pgbe		*be = arg;
	const struct rl_want	*o[RATE_KEYS_MAX];
	char			 keys[RATE_KEYS_LEN], rates[RATE_KEYS_MAX * 26 + 3];
	char			 bursts[RATE_KEYS_MAX * 26 + 3];
	struct params		 p;
	PGresult		*res;

	*wait = 0;
	if (n == 0)
		return 0;
	if (rate_keys(w, &n, o, keys, err) == -1)
		return -1;
	nums_literal(o, n, false, rates, sizeof(rates));
	nums_literal(o, n, true, bursts, sizeof(bursts));
	memset(&p, 0, sizeof(p));
	p_text(&p, keys);
	p_text(&p, rates);
	p_text(&p, bursts);
	p_now(&p, now);
	if ((res = rq(be, "SELECT tocsin_rate_take($1::text[], $2::float8[],"
	    " $3::float8[], $4::bigint)", &p, err)) == NULL)
		return -1;
	*wait = col_int(res, 0, 0);
	PQclear(res);
	return 0;
}

/* What accrued while the send was in flight is dropped, as ratelimit.c's
 * done does. */
static int
be_rate_done(void *arg, const struct rl_want *w, size_t n, int64_t now,
    struct terr *err)
{
	struct pgbe		*be = arg;
	const struct rl_want	*o[RATE_KEYS_MAX];
	char			 keys[RATE_KEYS_LEN];
	struct params		 p;
	PGresult		*res;

	if (n == 0)
		return 0;
	if (rate_keys(w, &n, o, keys, err) == -1)
		return -1;
	memset(&p, 0, sizeof(p));
	p_text(&p, keys);
	p_now(&p, now);
	if ((res = rq(be, "UPDATE rate_buckets SET stamp = GREATEST(stamp,"
	    " COALESCE($2::bigint, " DBNOW ")) WHERE key = ANY($1::text[])", &p,
	    err)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* PostgreSQL's storage is the server's to size; a cap here would only
 * ever be a second, disagreeing one. */
static int
be_set_max_size(void *arg, int64_t max_bytes, struct terr *err)
{
	if (max_bytes == 0)
		return 0;
	return terr_set(err, "store: --storage.max-bytes caps the SQLite store"
	    " only; PostgreSQL's size is the server's to limit");
}

/*
 * The rows sql ($1 now, $2 max) selects, at most max, each read by row into
 * the next element of size sz of an array *out of *n the caller frees. row
 * returns false when memory runs out; then the elements begun are freed
 * with done.
 */
static int
read_due(struct pgbe *be, const char *sql, int64_t now, size_t max,
    bool (*row)(PGresult *res, int i, void *elem), size_t sz,
    void (*done)(void *v, size_t n), void **out, size_t *n, struct terr *err)
{
	PGresult	*res;
	struct params	 p;
	char		*v;
	int		 i, rows;

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	memset(&p, 0, sizeof(p));
	p_int(&p, now);
	p_int(&p, (int64_t)max);
	if ((res = rq(be, sql, &p, err)) == NULL)
		return -1;
	rows = PQntuples(res);
	if ((size_t)rows > max)
		rows = (int)max;
	if ((v = calloc(max, sz)) == NULL) {
		PQclear(res);
		return terr_set(err, "store: out of memory");
	}
	for (i = 0; i < rows; i++)
		if (!row(res, i, v + sz * (size_t)i)) {
			done(v, (size_t)i + 1);
			PQclear(res);
			return terr_set(err, "store: out of memory");
		}
	PQclear(res);
	*out = v;
	*n = (size_t)rows;
	return 0;
}

static bool
receipt_row(PGresult *res, int i, void *elem)
{
	struct store_receipt *r = elem;

	r->receipt = col_strdup(res, i, 0);
	r->receiver = col_strdup(res, i, 1);
	r->integration = col_strdup(res, i, 2);
	r->group_key = col_strdup(res, i, 3);
	r->expires = col_int(res, i, 4);
	r->next_poll = col_int(res, i, 5);
	r->cancel = col_bool(res, i, 6);
	return r->receipt != NULL && r->receiver != NULL &&
	    r->integration != NULL && r->group_key != NULL;
}

static void
receipts_done(void *v, size_t n)
{
	store_receipts_free(v, n);
}

/* Only the relay that holds the lease follows the receipts, so that a
 * receipt is polled (and its group acknowledged) once. */
static int
be_receipt_due(void *arg, int64_t now, size_t max, struct store_receipt **out,
    size_t *n, struct terr *err)
{
	void	*v;
	int	 rc;
	bool	 held;

	*out = NULL;
	*n = 0;
	if (be_lease(arg, "receipts", 0, &held, err) == -1)
		return -1;
	if (!held)
		return 0;
	rc = read_due(arg, "SELECT receipt, receiver, integration, group_key,"
	    " expires, next_poll, cancel FROM receipts"
	    " WHERE next_poll <= $1::bigint ORDER BY next_poll LIMIT $2::bigint",
	    now, max, receipt_row, sizeof(**out), receipts_done, &v, n, err);
	*out = v;
	return rc;
}

static bool
escalation_row(PGresult *res, int i, void *elem)
{
	struct store_escalation *e = elem;

	e->receiver = col_strdup(res, i, 0);
	e->group_key = col_strdup(res, i, 1);
	e->body = col_strdup(res, i, 2);
	e->since = col_int(res, i, 3);
	e->next_at = col_int(res, i, 4);
	e->repeats = col_int(res, i, 5);
	e->escalated = col_bool(res, i, 6);
	e->resolved = col_bool(res, i, 7);
	return e->receiver != NULL && e->group_key != NULL && e->body != NULL;
}

static void
escalations_done(void *v, size_t n)
{
	store_escalations_free(v, n);
}

/* Only the relay that holds the lease runs the timers, so that a step
 * (a repeat, an escalation) is taken once. */
static int
be_escalation_due(void *arg, int64_t now, size_t max,
    struct store_escalation **out, size_t *n, struct terr *err)
{
	void	*v;
	int	 rc;
	bool	 held;

	*out = NULL;
	*n = 0;
	if (be_lease(arg, "escalator", 0, &held, err) == -1)
		return -1;
	if (!held)
		return 0;
	rc = read_due(arg, "SELECT receiver, group_key, body, since, next_at,"
	    " repeats, escalated, resolved FROM escalations"
	    " WHERE next_at <= $1::bigint ORDER BY next_at LIMIT $2::bigint",
	    now, max, escalation_row, sizeof(**out), escalations_done, &v, n,
	    err);
	*out = v;
	return rc;
}

static int
be_group_acked(void *arg, const char *receiver, const char *group_key,
    char **by, int64_t *at, int *found, struct terr *err)
{
	PGresult	*res;
	struct params	 p;

	*found = 0;
	*by = NULL;
	memset(&p, 0, sizeof(p));
	p_text(&p, receiver);
	p_text(&p, group_key);
	if ((res = rq(arg, "SELECT acked_by, acked_at FROM group_acks"
	    " WHERE receiver = $1 AND group_key = $2", &p, err)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		if ((*by = col_strdup(res, 0, 0)) == NULL) {
			PQclear(res);
			return terr_set(err, "store: out of memory");
		}
		*at = col_int(res, 0, 1);
		*found = 1;
	}
	PQclear(res);
	return 0;
}

static int
be_action_get(void *arg, const char *id, struct action_rec *r, int *found,
    struct terr *err)
{
	PGresult	*res;
	struct params	 p;

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	*found = 0;
	memset(&p, 0, sizeof(p));
	p_text(&p, id);
	if ((res = rq(arg, "SELECT created, expires, receiver, integration,"
	    " group_key, labels, chat, message_id, silence_id FROM action_records"
	    " WHERE id = $1", &p, err)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		*found = 1;
		r->created = col_int(res, 0, 0);
		r->expires = col_int(res, 0, 1);
		r->receiver = col_strdup(res, 0, 2);
		r->integration = col_strdup(res, 0, 3);
		r->group_key = col_strdup(res, 0, 4);
		r->labels = col_strdup(res, 0, 5);
		r->chat = col_strdup(res, 0, 6);
		r->message_id = col_int(res, 0, 7);
		r->silence_id = col_strdup(res, 0, 8);
		if (r->receiver == NULL || r->integration == NULL ||
		    r->group_key == NULL || r->labels == NULL ||
		    r->chat == NULL || r->silence_id == NULL) {
			PQclear(res);
			action_rec_clear(r);
			return terr_set(err, "store: out of memory");
		}
	}
	PQclear(res);
	return 0;
}

static int
be_cursor_get(void *arg, const char *name, int64_t *value, struct terr *err)
{
	PGresult	*res;
	struct params	 p;

	*value = 0;
	memset(&p, 0, sizeof(p));
	p_text(&p, name);
	if ((res = rq(arg, "SELECT value FROM cursors WHERE name = $1", &p,
	    err)) == NULL)
		return -1;
	if (PQntuples(res) > 0)
		*value = col_int(res, 0, 0);
	PQclear(res);
	return 0;
}

static int
be_group_message_get(void *arg, const char *receiver, const char *integration,
    const char *group_key, char *chat, size_t chatlen, int64_t *message_id,
    int *found, struct terr *err)
{
	PGresult	*res;
	struct params	 p;

	*message_id = 0;
	*found = 0;
	memset(&p, 0, sizeof(p));
	p_text(&p, receiver);
	p_text(&p, integration);
	p_text(&p, group_key);
	if ((res = rq(arg, "SELECT chat, message_id FROM group_messages"
	    " WHERE receiver = $1 AND integration = $2 AND group_key = $3", &p,
	    err)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		snprintf(chat, chatlen, "%s", PQgetvalue(res, 0, 0));
		*message_id = col_int(res, 0, 1);
		*found = 1;
	}
	PQclear(res);
	return 0;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = be_open,
	.close = be_close,
	.apply = be_apply,
	.due = be_due,
	.next_due = be_next_due,
	.head = be_head,
	.get = be_get,
	.count = be_count,
	.list = be_list,
	.set_max_size = be_set_max_size,
	.receipt_due = be_receipt_due,
	.group_acked = be_group_acked,
	.escalation_due = be_escalation_due,
	.action_get = be_action_get,
	.cursor_get = be_cursor_get,
	.group_message_get = be_group_message_get,
	.damaged = be_damaged,
	.unreachable = be_unreachable,
	.lease = be_lease,
	.rate_take = be_rate_take,
	.rate_done = be_rate_done,
};
