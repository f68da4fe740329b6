#!/usr/bin/env bash
# with_pg.sh PROGRAM [ARGS...]: runs PROGRAM with TOCSIN_TEST_PG_URL naming
# the database of a throw-away PostgreSQL (tests/lib/pg.sh), stopped and
# removed afterwards: the store's unit tests against the second backend.
# Exits 77 (CTest's skip) only when no PostgreSQL server is installed.
set -euo pipefail
. "$(dirname "$0")/pg.sh"
if ! pg_available; then
	echo "SKIP: PostgreSQL's server programs are not installed (postgresql-15)"
	exit 77
fi
trap pg_cleanup EXIT
pg_start
rc=0
TOCSIN_TEST_PG_URL=$PG_URL "$@" || rc=$?
exit "$rc"
