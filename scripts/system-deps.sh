#!/usr/bin/env bash
# Installs the system packages the test suite drives for real: tmux and ncurses-bin (terminal
# tests), Debian's Chromium (browser tests), nginx (access-log tests), Prometheus' promtool
# (/metrics checked by Prometheus' own parser and PromQL) and redis-server (cluster mode). Each
# test starts its own server on a loopback port; the packages' services are not needed. Does
# nothing for what is already there.
set -euo pipefail
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
# tic and infocmp build the terminfo fixtures of the terminal tests from this machine's entries.
command -v tic >/dev/null 2>&1 || need+=(ncurses-bin)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
