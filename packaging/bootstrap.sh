#!/usr/bin/env bash
# Sets up everything Proctor Console needs on a fresh Debian/Ubuntu machine
# (system libraries for Qt, CJK fonts, a virtualenv with the package), then
# runs one of:
#   bash packaging/bootstrap.sh demo   [args]  -> proctor-console demo
#   bash packaging/bootstrap.sh test   [args]  -> the whole test suite
#   bash packaging/bootstrap.sh run    ARGS    -> proctor-console ARGS
#   bash packaging/bootstrap.sh setup          -> only install
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
venv="${PROCTOR_VENV:-$here/.venv}"
what="${1:-setup}"
shift || true

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# --- system packages (Qt's libraries, fonts with Chinese glyphs, Xvfb) ---
apt_pkgs=(libglib2.0-0 libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 libx11-6
  fonts-dejavu-core fonts-wqy-microhei
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0)
# The tests also read PDFs (poppler), validate the desktop files, render the
# icon, and store a token in a real Secret Service (gnome-keyring on D-Bus).
[ "$what" = test ] && apt_pkgs+=(poppler-utils desktop-file-utils appstream librsvg2-bin gnome-keyring dbus)
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${apt_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
      say "installing system packages: ${missing[*]}"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      say "missing system packages (install them as root): apt-get install ${missing[*]}"
    fi
  fi
else
  say "not a Debian-like system: install Qt's runtime libraries and a CJK font yourself"
fi

# --- Python 3.11+ and the virtualenv ---
py=""
for cand in python3.13 python3.12 python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    py="$cand"; break
  fi
done
[ -n "$py" ] || { say "Python 3.11 or newer is needed (apt-get install python3 python3-venv)"; exit 2; }
if [ ! -x "$venv/bin/python" ]; then
  say "creating virtualenv in $venv"
  "$py" -m venv "$venv" || { say "python venv failed: apt-get install python3-venv"; exit 2; }
fi
stamp="$venv/.proctor-installed"
want=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing proctor-console and its dependencies into $venv"
  "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install -q -e ".[test]"
  echo "$want" > "$stamp"
fi
# .qm translations are built from the .ts sources, never edited by hand.
"$venv/bin/python" -m proctor_console.gui.i18n_build >/dev/null 2>&1 || true

export PATH="$venv/bin:$PATH"
case "$what" in
  setup) say "ready: $venv/bin/proctor-console" ;;
  test)
    export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
    exec "$venv/bin/python" -m pytest "$@" ;;
  demo|run)
    [ "$what" = demo ] && set -- demo "$@"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
      say "no display found: running on a virtual screen (Xvfb); nothing will be visible"
      exec xvfb-run -a -s "-screen 0 1600x1000x24" "$venv/bin/proctor-console" "$@"
    fi
    exec "$venv/bin/proctor-console" "$@" ;;
  *) say "unknown step '$what': use setup, demo, test or run"; exit 2 ;;
esac
