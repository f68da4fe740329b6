#!/usr/bin/env bash
# routes_amtool.sh: `tocsin-relay config routes [test [--tree]]` against the
# real amtool on generated route trees and hundreds of generated label sets;
# stdout and exit status must be identical for every comparison.
set -euo pipefail

: "${TOCSIN_RELAY:?TOCSIN_RELAY must point at the built tocsin-relay}"
: "${TOCSIN_SOURCE_DIR:?}"
TMP=${TOCSIN_TEST_TMP:?}
mkdir -p "$TMP"

# amtool is the oracle and always installed where this suite runs: its
# absence is a broken environment, not a reason to pass.
AMTOOL=$(command -v amtool || true)
if [[ -z $AMTOOL ]]; then
	echo "FAIL: amtool not found (install prometheus-alertmanager)" >&2
	exit 1
fi
if [[ ! -x $TOCSIN_RELAY ]]; then
	echo "FAIL: $TOCSIN_RELAY is not built" >&2
	exit 1
fi

exec python3 "$TOCSIN_SOURCE_DIR/tests/compat/gen_routes.py" "$TMP/routes" \
    "$TOCSIN_RELAY" "$AMTOOL" "$TOCSIN_SOURCE_DIR/tests/compat/configs"
