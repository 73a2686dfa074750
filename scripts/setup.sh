#!/usr/bin/env bash
# Installs what the app needs on a fresh Debian machine: system libraries and the Python packages
# in .venv. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
ldconfig -p | grep -q 'libmagic.so.1' || need_apt+=(libmagic1)
ldconfig -p | grep -q 'libpango-1.0.so.0' || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdfsig >/dev/null || need_apt+=(poppler-utils)
# Scanned policies are read by OCRmyPDF with Tesseract's English model.
command -v ocrmypdf >/dev/null || need_apt+=(ocrmypdf)
command -v tesseract >/dev/null || need_apt+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/eng.traineddata ] || need_apt+=(tesseract-ocr-eng)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
if [[ "${WITH_BROWSER:-0}" == "1" ]]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v npm >/dev/null || need_apt+=(npm)
fi
if ((${#need_apt[@]})); then
  echo "Installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
fi
extras=""
[[ "${WITH_DEV:-0}" == "1" ]] && extras="[dev]"
stamp=".venv/.installed${extras}"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  .venv/bin/pip install -q --disable-pip-version-check -e ".${extras}"
  touch "$stamp"
fi

if [[ "${WITH_BROWSER:-0}" == "1" ]] &&
  [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  # axe-core checks pages for accessibility problems in the browser tests; oidc-provider is the
  # OpenID provider the sign-in tests start.
  npm ci --no-audit --no-fund --loglevel=error
fi
