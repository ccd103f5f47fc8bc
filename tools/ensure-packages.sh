#!/bin/sh
# Make sure Debian packages are installed: install the missing ones with
# apt-get when running as root (unless OHM_NO_INSTALL is set), otherwise
# say which command would. Exits 0
# when all are present afterwards, 1 when some are still missing.
#   usage: tools/ensure-packages.sh PACKAGE...
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
# OHM_NO_INSTALL=1: never install, only say what is missing.
if [ -z "${OHM_NO_INSTALL:-}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null && exit 0
fi
echo "missing packages:$missing (install with: apt-get install$missing)" >&2
exit 1
