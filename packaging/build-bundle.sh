#!/usr/bin/env bash
# Builds the Linux one-folder bundle: dist/proctor-console/ (the program, its
# libraries, share/ with the .desktop entry, AppStream metadata and icons, and
# install.sh).
#   bash packaging/build-bundle.sh                  build
#   bash packaging/build-bundle.sh --test           build, then run the bundle's smoke test
#   bash packaging/build-bundle.sh --tar            build, then pack it as dist/proctor-console-VERSION-linux-ARCH.tar.gz
#   bash packaging/build-bundle.sh --if-changed --test  skip everything when packaging/,
#       tests/packaging/, pyproject.toml and the installed packages are unchanged since
#       the last build that passed its smoke test on this machine (stamp in
#       ~/.cache/proctor-console/bundle-stamp; CI runs this)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
venv="${PROCTOR_VENV:-$here/.venv}"
app_id=io.github.proctorconsole.ProctorConsole
bundle="$here/dist/proctor-console"
stamp_file="${XDG_CACHE_HOME:-$HOME/.cache}/proctor-console/bundle-stamp"
say() { printf 'build-bundle: %s\n' "$*" >&2; }

run_test=0
if_changed=0
make_tar=0
for arg in "$@"; do
  case "$arg" in
    --test) run_test=1 ;;
    --if-changed) if_changed=1 ;;
    --tar) make_tar=1 ;;
    *) say "unknown option '$arg' (use --test, --tar, --if-changed)"; exit 2 ;;
  esac
done

# The bundle freezes what is installed: bring .venv up to pyproject.toml first
# (quick when nothing changed).
bash packaging/bootstrap.sh setup
py="$venv/bin/python"

# What the bundle is made of: our packaging files, the dependencies declared and
# the ones installed (a new dependency can need a new hidden import).
inputs_hash() {
  {
    find packaging tests/packaging -type f ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum
    sha256sum pyproject.toml
    "$py" -c 'import importlib.metadata as m; print(sorted(f"{d.name}=={d.version}" for d in m.distributions()))'
  } | sha256sum | cut -c1-32
}
if [ "$if_changed" = 1 ]; then
  want=$(inputs_hash)
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ] && [ -x "$bundle/proctor-console" ]; then
    say "packaging and dependencies unchanged since the last good bundle build ($stamp_file): skipped"
    exit 0
  fi
fi

if ! "$py" -c 'import PyInstaller' 2>/dev/null; then
  # The bound lives in one place: pyproject.toml's "bundle" extra.
  mapfile -t reqs < <("$py" -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bundle"], sep="\n")')
  say "installing ${reqs[*]} into $venv"
  "$py" -m pip install -q "${reqs[@]}"
fi

start=$(date +%s)
say "building the translations"
"$py" -m proctor_console.gui.i18n_build >/dev/null

say "rendering the icons from packaging/icons/proctor-console.svg"
icons="$here/build/icons"
rm -rf "$icons"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$icons/hicolor/${size}x${size}/apps"
  out="$icons/hicolor/${size}x${size}/apps/$app_id.png"
  if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert -w "$size" -h "$size" -o "$out" packaging/icons/proctor-console.svg
  else  # Qt's SVG renderer, when librsvg's tool is not installed
    QT_QPA_PLATFORM=offscreen "$py" - "$size" "$out" <<'EOF'
import sys
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
app = QGuiApplication([])
size, out = int(sys.argv[1]), sys.argv[2]
image = QImage(size, size, QImage.Format.Format_ARGB32)
image.fill(0)
painter = QPainter(image)
QSvgRenderer("packaging/icons/proctor-console.svg").render(painter)
painter.end()
sys.exit(0 if image.save(out) else 1)
EOF
  fi
done
mkdir -p "$icons/hicolor/scalable/apps"
cp packaging/icons/proctor-console.svg "$icons/hicolor/scalable/apps/$app_id.svg"

say "freezing with PyInstaller (a minute or two)"
"$py" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$here/dist" --workpath "$here/build/pyinstaller" packaging/proctor-console.spec

# What an installation puts into the system's share/ folder, and the installer.
mkdir -p "$bundle/share/applications" "$bundle/share/metainfo"
cp "packaging/$app_id.desktop" "$bundle/share/applications/"
cp "packaging/$app_id.metainfo.xml" "$bundle/share/metainfo/"
rm -rf "$bundle/share/icons"
cp -r "$icons" "$bundle/share/icons"
cp packaging/bundle-install.sh "$bundle/install.sh"
chmod +x "$bundle/install.sh"

took=$(( $(date +%s) - start ))
say "built $bundle in ${took} s; $(du -sh "$bundle" | cut -f1) on disk"
"$bundle/proctor-console" --version

if [ "$run_test" = 1 ]; then
  say "smoke test of the bundle"
  QT_QPA_PLATFORM=offscreen PROCTOR_TEST_BUNDLE="$bundle" "$py" -m pytest -q -m bundle tests/packaging
fi
if [ "$make_tar" = 1 ]; then
  version=$("$bundle/proctor-console" --version | cut -d' ' -f2)
  tarball="$here/dist/proctor-console-$version-linux-$(uname -m).tar.gz"
  tar -C "$here/dist" -czf "$tarball" proctor-console
  say "packed $tarball ($(du -h "$tarball" | cut -f1)): unpack anywhere, then proctor-console/install.sh"
fi
if [ "$if_changed" = 1 ] && [ "$run_test" = 1 ]; then  # the stamp means: built and smoke-tested
  mkdir -p "$(dirname "$stamp_file")"
  inputs_hash > "$stamp_file"
fi
