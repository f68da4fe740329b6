#!/usr/bin/env bash
# deps.sh: installs the Debian packages tocsin needs. Sourced by run-relay and
# test; `deps_install build` for building, `deps_install test` adds the test
# peers (the real Alertmanager, Prometheus and node exporter, an SMTP server,
# PostgreSQL 15 for the shared store, clang for fuzzing).
set -euo pipefail

DEPS_BUILD=(build-essential cmake pkg-config
	libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libyaml-dev
	libpcre2-dev libsqlite3-dev libsystemd-dev libesmtp-dev libcrypt-dev
	libgnutls28-dev libcmocka-dev libssl-dev libunistring-dev libpq-dev)
DEPS_TEST=(prometheus-alertmanager prometheus prometheus-node-exporter python3
	python3-aiosmtpd clang libclang-rt-14-dev curl openssl jq systemd groff-base
	man-db dpkg-dev iproute2 postgresql-15)

deps_install() {
	local want=("${DEPS_BUILD[@]}") missing=() sudo=""
	[ "${1:-build}" = test ] && want+=("${DEPS_TEST[@]}")
	for p in "${want[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	echo "installing: ${missing[*]}" >&2
	$sudo apt-get update -qq
	# The Debian packages of Alertmanager, Prometheus and the node exporter
	# start services on install where systemd runs; the tests start their
	# own on loopback.
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}
