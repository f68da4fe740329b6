/* checkstate_pg.c: check states in PostgreSQL, table watchdog_checks of the
 * --storage.url database (see checkstate_int.h).
 *
 * Why in the database rather than each watchdog's watchdog.db: two
 * watchdogs on one database take turns leading (wdpair.h), and the one
 * that takes over must start from what the other committed: a check it
 * notified DOWN stays down without a second DOWN, one that was up keeps its
 * last success. The rows are those of the SQLite table, one per check, and
 * a batch is one transaction, committed with synchronous_commit on (the
 * server's WAL is on disk before the done callbacks run). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkstate_int.h"
#include "wdpg.h"

/* pg_advisory_xact_lock key: two watchdogs starting together create the
 * table once. */
#define CREATE_LOCK	"7630418727"
/* The database's clock in ms: the follower asks for the rows changed since
 * its last look by this clock, the same for both watchdogs. */
#define DBNOW	"(extract(epoch FROM clock_timestamp()) * 1000)::bigint"
/* How far back a look reaches before the last one began: a row's time is
 * taken when it is written, and it becomes visible at its commit, a little
 * later (a batch of saves is one transaction); a row written before a look
 * and committed after it is found by the next look. */
#define LOOK_BACK_MS	10000

struct pgcs {
	struct wdpg	*pg;
};

static void
be_close(void *arg)
{
	struct pgcs	*be = arg;

	if (be == NULL)
		return;
	wdpg_close(be->pg);
	free(be);
}

int
checkstate_pg_open(const char *url, void **out, const char **where,
    struct terr *err)
{
	struct pgcs	*be;
	int		 rc = -1;

	if ((be = calloc(1, sizeof(*be))) == NULL)
		return terr_set(err, "watchdog state: out of memory");
	if ((be->pg = wdpg_open(url, "watchdog state", err)) == NULL)
		goto fail;
	wdpg_lock(be->pg);
	if (wdpg_cmd(be->pg, "BEGIN", 0, NULL, "create table", err) == 0) {
		if (wdpg_cmd(be->pg, "SELECT pg_advisory_xact_lock(" CREATE_LOCK ")",
		    0, NULL, "create table", err) == 0 &&
		    wdpg_cmd(be->pg, "CREATE TABLE IF NOT EXISTS watchdog_checks ("
		    " name text PRIMARY KEY,"
		    " state text NOT NULL,"
		    " paused boolean NOT NULL,"
		    " last_success bigint NOT NULL,"
		    " last_start bigint NOT NULL,"
		    " down_since bigint NOT NULL,"
		    " last_notified bigint NOT NULL,"
		    " last_message text NOT NULL,"
		    " reason text NOT NULL,"
		    " changed_at bigint NOT NULL)", 0, NULL, "create table", err) == 0 &&
		    /* A table of the same name but another shape fails here,
		     * not at the first save. */
		    wdpg_cmd(be->pg, "SELECT name, state, paused, last_success,"
		    " last_start, down_since, last_notified, last_message, reason,"
		    " changed_at FROM watchdog_checks LIMIT 0", 0, NULL, "check table",
		    err) == 0 &&
		    wdpg_cmd(be->pg, "COMMIT", 0, NULL, "create table", err) == 0)
			rc = 0;
		else
			wdpg_rollback(be->pg);
	}
	wdpg_unlock(be->pg);
	if (rc == -1)
		goto fail;
	*out = be;
	*where = wdpg_where(be->pg);
	return 0;
fail:
	be_close(be);
	return -1;
}

static int
write_item(struct pgcs *be, const struct checkstate_item *it, struct terr *err)
{
	const struct check_record *rec = &it->rec;
	char		 n[4][24];
	const char	*v[9];

	if (it->del) {
		v[0] = rec->name;
		return wdpg_cmd(be->pg, "DELETE FROM watchdog_checks WHERE name = $1",
		    1, v, "delete", err);
	}
	snprintf(n[0], sizeof(n[0]), "%" PRId64, rec->last_success_wall_ms);
	snprintf(n[1], sizeof(n[1]), "%" PRId64, rec->last_start_wall_ms);
	snprintf(n[2], sizeof(n[2]), "%" PRId64, rec->down_since_wall_ms);
	snprintf(n[3], sizeof(n[3]), "%" PRId64, rec->last_notified_wall_ms);
	v[0] = rec->name;
	v[1] = check_state_name(rec->state);
	v[2] = rec->paused ? "t" : "f";
	v[3] = n[0];
	v[4] = n[1];
	v[5] = n[2];
	v[6] = n[3];
	v[7] = rec->last_message != NULL ? rec->last_message : "";
	v[8] = rec->reason != NULL ? rec->reason : "";
	return wdpg_cmd(be->pg, "INSERT INTO watchdog_checks (name, state, paused,"
	    " last_success, last_start, down_since, last_notified, last_message,"
	    " reason, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    DBNOW ")"
	    " ON CONFLICT (name) DO UPDATE SET state = excluded.state,"
	    " paused = excluded.paused, last_success = excluded.last_success,"
	    " last_start = excluded.last_start, down_since = excluded.down_since,"
	    " last_notified = excluded.last_notified,"
	    " last_message = excluded.last_message, reason = excluded.reason,"
	    " changed_at = excluded.changed_at",
	    9, v, "save", err);
}

static int
be_commit(void *arg, const struct checkstate_item *batch, struct terr *err)
{
	struct pgcs	*be = arg;
	const struct checkstate_item *it;
	int		 rc = -1;

	wdpg_lock(be->pg);
	if (wdpg_cmd(be->pg, "BEGIN", 0, NULL, "save", err) == -1)
		goto out;
	for (it = batch; it != NULL; it = it->next)
		if (write_item(be, it, err) == -1) {
			wdpg_rollback(be->pg);
			goto out;
		}
	if (wdpg_cmd(be->pg, "COMMIT", 0, NULL, "save", err) == -1) {
		wdpg_rollback(be->pg);
		goto out;
	}
	rc = 0;
out:
	wdpg_unlock(be->pg);
	return rc;
}

static int
be_load(void *arg, int64_t *since, struct check_record **recs, size_t *n,
    struct terr *err)
{
	struct pgcs		*be = arg;
	struct check_record	*v = NULL, *r;
	PGresult		*res;
	size_t			 cnt = 0, rows, i;
	const char		*state, *pv[1];
	char			 from[24];
	int64_t			 start;
	int			 ret = -1;

	snprintf(from, sizeof(from), "%" PRId64, *since);
	pv[0] = from;
	wdpg_lock(be->pg);
	/* The look's start first: a row saved after it is found by the next
	 * look, which reaches back LOOK_BACK_MS before it. */
	if ((res = wdpg_exec(be->pg, "SELECT " DBNOW, 0, NULL, NULL, NULL, "load",
	    err)) != NULL) {
		start = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		res = wdpg_exec(be->pg, "SELECT name, state, paused, last_success,"
		    " last_start, down_since, last_notified, last_message, reason"
		    " FROM watchdog_checks WHERE changed_at >= $1::bigint"
		    " ORDER BY name COLLATE \"C\"", 1, pv, NULL, NULL, "load", err);
	}
	wdpg_unlock(be->pg);
	if (res == NULL)
		return -1;
	rows = (size_t)PQntuples(res);
	if (rows > 0 && (v = calloc(rows, sizeof(*v))) == NULL) {
		terr_set(err, "watchdog state: out of memory");
		goto out;
	}
	for (i = 0; i < rows; i++) {
		r = &v[i];
		state = PQgetvalue(res, (int)i, 1);
		if (check_state_parse(state, &r->state) == -1) {
			terr_set(err, "watchdog state %s: check \"%s\" has unknown "
			    "state \"%s\"", wdpg_where(be->pg),
			    PQgetvalue(res, (int)i, 0), state);
			goto out;
		}
		r->paused = strcmp(PQgetvalue(res, (int)i, 2), "t") == 0;
		r->last_success_wall_ms = strtoll(PQgetvalue(res, (int)i, 3), NULL, 10);
		r->last_start_wall_ms = strtoll(PQgetvalue(res, (int)i, 4), NULL, 10);
		r->down_since_wall_ms = strtoll(PQgetvalue(res, (int)i, 5), NULL, 10);
		r->last_notified_wall_ms = strtoll(PQgetvalue(res, (int)i, 6), NULL, 10);
		cnt++;
		if ((r->name = strdup(PQgetvalue(res, (int)i, 0))) == NULL ||
		    (r->last_message = strdup(PQgetvalue(res, (int)i, 7))) == NULL ||
		    (r->reason = strdup(PQgetvalue(res, (int)i, 8))) == NULL) {
			terr_set(err, "watchdog state: out of memory");
			goto out;
		}
	}
	*since = start - LOOK_BACK_MS;
	*recs = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	ret = 0;
out:
	PQclear(res);
	checkstate_records_free(v, cnt);
	return ret;
}

const struct checkstate_ops checkstate_pg_ops = {
	.commit = be_commit,
	.load = be_load,
	.close = be_close,
};
