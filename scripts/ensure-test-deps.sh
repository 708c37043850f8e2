#!/usr/bin/env bash
# Runs before `npm test`: the browser tests drive Debian's Chromium (never a downloaded build), and
# the alerting end-to-end tests run real VictoriaMetrics and vmalert (both in Debian's
# victoria-metrics) and a real Alertmanager (prometheus-alertmanager). node-exporter is only for
# `npm start`, not tests.
# Installs them with apt when missing and this is a Debian-like machine where we are root;
# otherwise says exactly what to install.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/bin/prometheus-alertmanager ] || missing+=(prometheus-alertmanager)
{ [ -x /usr/bin/victoria-metrics ] && [ -x /usr/bin/vmalert ]; } || missing+=(victoria-metrics)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test prerequisites: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The tests need: ${missing[*]} (Debian: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
