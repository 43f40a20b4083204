#!/usr/bin/env bash
# Installs this Proctor Console bundle (the folder this script is in) on a Linux
# workstation: the folder, a `proctor-console` command, the menu entry and icons.
#   sudo ./install.sh           for everyone: /opt/proctor-console, /usr/local/bin, /usr/local/share
#   ./install.sh --user         for you only: ~/.local/lib/proctor-console, ~/.local/bin, ~/.local/share
# Run it again to upgrade. Settings and logs are not in the bundle: they stay
# in the user's folders (~/.config/ProctorConsole, ~/.local/state/proctor-console).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
app_id=io.github.proctorconsole.ProctorConsole
case "${1:-}" in
  --user) app="$HOME/.local/lib/proctor-console"; bin="$HOME/.local/bin"; share="${XDG_DATA_HOME:-$HOME/.local/share}" ;;
  "") app=/opt/proctor-console; bin=/usr/local/bin; share=/usr/local/share ;;
  *) echo "install.sh: unknown option '$1' (use --user, or none for a system-wide install)" >&2; exit 2 ;;
esac

if ! mkdir -p "$(dirname "$app")" "$bin" 2>/dev/null || [ ! -w "$(dirname "$app")" ] || [ ! -w "$bin" ]; then
  echo "install.sh: cannot write to $(dirname "$app") or $bin: run it with sudo, or with --user" >&2
  exit 2
fi
if [ "$src" != "$app" ]; then
  rm -rf "$app.new"
  mkdir -p "$(dirname "$app")"
  cp -a "$src" "$app.new"
  rm -rf "$app"
  mv "$app.new" "$app"
fi
mkdir -p "$bin" "$share/applications" "$share/metainfo" "$share/icons"
ln -sfn "$app/proctor-console" "$bin/proctor-console"
cp "$app/share/applications/$app_id.desktop" "$share/applications/"
cp "$app/share/metainfo/$app_id.metainfo.xml" "$share/metainfo/"
cp -r "$app/share/icons/hicolor" "$share/icons/"
# Menus and icon caches pick the new files up; not every desktop has these tools.
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "installed: $bin/proctor-console -> $app ($("$app/proctor-console" --version))"
case ":$PATH:" in *":$bin:"*) ;; *) echo "note: $bin is not on your PATH" ;; esac
