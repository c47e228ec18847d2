#!/usr/bin/env bash
# Make sure the Debian packages sanwu needs are installed.
#   chromium             - browser tests (Playwright drives Debian's Chromium)
#   fonts-noto-cjk       - CJK glyphs for WeasyPrint PDFs and the browser
#   libharfbuzz-subset0  - font subsetting for WeasyPrint
#   postgresql           - the PostgreSQL 15 test run
#   poppler-utils        - pdftotext, with which the tests read the PDFs Sanwu writes
# `system-deps.sh bench` checks the benchmarks' packages instead (make bench-http):
#   wrk                  - HTTP load generator for bench/http_bench.py
# Does nothing if all are present. As root installs the missing ones; otherwise
# prints the exact command to run and exits 1.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk libharfbuzz-subset0 postgresql poppler-utils)
if [ "${1:-}" = bench ]; then
    PACKAGES=(wrk)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps.sh: dpkg-query not found; this script supports Debian/Ubuntu only." >&2
    echo "  Install the equivalents of: ${PACKAGES[*]}" >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    # "ii " = installed; anything else (absent, rc, half-installed...) counts as missing
    case "$status" in
        ii*) ;;
        *) missing+=("$pkg") ;;
    esac
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "system-deps: missing Debian packages: ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: not running as root; install them with:" >&2
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

# Another apt/dpkg (e.g. a background install) may hold the lock: wait for it
# rather than failing (bounded: 15 minutes).
apt_opts=(-o DPkg::Lock::Timeout=900)

apt-get "${apt_opts[@]}" update
DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
