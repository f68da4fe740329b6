# pg.sh: a throw-away PostgreSQL for the tests (sourced, not run).
#
# pg_available            0 when PostgreSQL's server programs are installed
#                         (Debian's postgresql-15: /usr/lib/postgresql/15/bin).
# pg_start                initdb in a new directory PG_DIR under /tmp (trust
#                         authentication, loopback only) and starts the server
#                         on a free loopback port with its socket in PG_DIR;
#                         creates the database tocsin and sets PG_URL
#                         (postgresql://tocsin@127.0.0.1:PORT/tocsin) and
#                         PG_PORT. Run as root (the CI), the server runs as the
#                         postgres user, since PostgreSQL refuses to run as
#                         root; under /tmp because that user may not enter the
#                         checkout (a home directory of mode 700).
# pg_stop                 stops the server (fast shutdown: clients are
#                         disconnected); pg_start_again starts it again on the
#                         same port and data.
# pg_psql SQL             runs SQL in the tocsin database, prints the rows
#                         unaligned, without headers.
# pg_cleanup              pg_stop if it runs, then removes PG_DIR; the caller's
#                         EXIT trap calls it.
# pg_test_start           what a PostgreSQL test begins with, after common.sh:
#                         fails it without jq or the server programs, starts
#                         the server, and on exit stops the test's processes
#                         (common.sh's cleanup), then the server.

PG_BIN=
for _d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
	if [ -x "$_d/initdb" ] && [ -x "$_d/pg_ctl" ]; then
		PG_BIN=$_d
		break
	fi
done
unset _d
PG_RUNNING=0

pg_available() {
	[ -n "$PG_BIN" ]
}

# Runs a server program as the user PostgreSQL accepts.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
	pg_available || { echo "pg_start: no PostgreSQL server programs (install postgresql-15)" >&2; return 1; }
	PG_DIR=$(mktemp -d /tmp/tocsin-pg.XXXXXX)
	chmod 755 "$PG_DIR"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 ||
		    { echo "pg_start: running as root and there is no postgres user to run the server as" >&2; return 1; }
		chown postgres "$PG_DIR"
	fi
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U tocsin --auth=trust -E UTF8 \
	    --no-instructions >"$PG_DIR/initdb.log" 2>&1 ||
	    { cat "$PG_DIR/initdb.log" >&2; return 1; }
	# The port is free when picked; another test may take it before the
	# server binds it: then another one.
	local try
	for try in 1 2 3; do
		PG_PORT=$(pg_free_port)
		pg_start_again 2>"$PG_DIR/start.err" && break
		grep -q 'could not bind\|Address already in use' "$PG_DIR/server.log" ||
		    { cat "$PG_DIR/start.err" >&2; return 1; }
		[ "$try" = 3 ] && { cat "$PG_DIR/start.err" >&2; return 1; }
	done
	pg_as "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U tocsin tocsin ||
	    { echo "pg_start: createdb failed" >&2; return 1; }
	PG_URL="postgresql://tocsin@127.0.0.1:$PG_PORT/tocsin"
}

pg_start_again() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
	    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null ||
	    { cat "$PG_DIR/server.log" >&2; return 1; }
	PG_RUNNING=1
}

pg_stop() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null
	PG_RUNNING=0
}

pg_psql() {
	pg_as "$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U tocsin -d tocsin -X -q -A -t \
	    -v ON_ERROR_STOP=1 -c "$1"
}

pg_cleanup() {
	if [ "$PG_RUNNING" = 1 ]; then
		pg_stop || true
	fi
	if [ -n "${PG_DIR:-}" ]; then
		rm -rf "$PG_DIR"
	fi
}

pg_test_start() {
	command -v jq >/dev/null || fail "jq is not installed"
	pg_available || fail "PostgreSQL's server programs are not installed (postgresql-15)"
	trap 'cleanup; pg_cleanup' EXIT
	pg_start || fail "PostgreSQL did not start"
}
