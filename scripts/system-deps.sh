#!/bin/sh
# System packages the test suite drives for real: Debian's chromium (browser tests),
# virtuoso-opensource (remote-endpoint tests) and a CJK font (heatmaps, screenshots).
# Installs only what is missing; needs root (or sudo) and Debian's package lists.
# Another apt (unattended-upgrades, a second installer) may hold apt's locks: wait for
# them instead of failing at once.
set -eu
# APT_GET, LOCK_POLL and SYSTEM_DEPS_MISSING exist for tests/test_system_deps.py.
APT_GET="${APT_GET:-apt-get}"
LOCK_POLL="${LOCK_POLL:-5}"
missing="${SYSTEM_DEPS_MISSING:-}"
[ -n "$missing" ] || {
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v virtuoso-t >/dev/null 2>&1 || missing="$missing virtuoso-opensource"
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$missing fonts-noto-cjk"
}
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
LOCK_WAIT=600 # seconds

# DPkg::Lock::Timeout makes dpkg's lock wait; apt-get update's package-lists lock (and the
# archives lock) fail at once whatever it says, so each step is retried while another apt
# holds a lock, up to LOCK_WAIT seconds in all.
apt_get() {
	waited=0
	while :; do
		if out=$($SUDO $APT_GET -o DPkg::Lock::Timeout=$LOCK_WAIT "$@" 2>&1); then
			return 0
		fi
		if ! printf '%s' "$out" | grep -q "Could not get lock" || [ "$waited" -ge "$LOCK_WAIT" ]; then
			printf '%s\n' "$out" >&2
			return 1
		fi
		[ "$waited" = 0 ] && echo "system-deps.sh: another apt holds its lock; waiting (up to ${LOCK_WAIT} s)" >&2
		sleep "$LOCK_POLL"
		waited=$((waited + LOCK_POLL))
	done
}

# The package lists first: on a fresh machine they are empty or stale.
apt_get update -qq
# shellcheck disable=SC2086
apt_get install -y -qq $missing >/dev/null
