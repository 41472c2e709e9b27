#!/usr/bin/env bash
# Installs the Debian packages zhifa needs, only those missing.
#   runtime: what `make demo` needs (PDF rendering with CJK fonts)
#   test:    runtime + the browser, PostgreSQL and PDF tools the test suite uses
set -euo pipefail
runtime=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0)
test_only=(chromium postgresql poppler-utils)
case "${1:-test}" in
  runtime) needed=("${runtime[@]}") ;;
  test) needed=("${runtime[@]}" "${test_only[@]}") ;;
  *) echo "usage: $0 runtime|test" >&2; exit 2 ;;
esac
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
