# common.sh: what build-aux/run and build-aux/test share.  Sourced, not run.
# The package lists are the single record of what Natter needs on Debian 12.

# To build Natter.
BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc gettext libxml2-utils
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libxml2-dev
  libgnutls28-dev libsignal-protocol-c-dev libsecret-1-dev libsqlite3-dev
  libqrencode-dev
)
# To run it: TLS for GIO, SVG icons, a D-Bus session.
RUNTIME_PACKAGES=(glib-networking librsvg2-common shared-mime-info dbus-user-session)
# For build-aux/run --demo: a private XMPP server and a keyring of its own.
DEMO_PACKAGES=(prosody lua-dbi-sqlite3 openssl gnome-keyring dbus-daemon dbus-bin)
# To test it: validators, a display, a private D-Bus session with a keyring,
# the XMPP servers the integration tests start, and certificates for them.
TEST_PACKAGES=(
  desktop-file-utils appstream xvfb xauth dbus-daemon dbus-bin gnome-keyring
  prosody lua-dbi-sqlite3 ejabberd erlang-p1-sqlite3 openssl python3 tmux profanity
)

# ensure_packages PKG…: install whichever of the packages is missing.
ensure_packages () {
  local missing=() pkg sudo=()
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "Natter needs these Debian packages, and there is no sudo to install them:" >&2
      echo "  apt-get install ${missing[*]}" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  echo "Installing ${missing[*]}…"
  "${sudo[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# configure_build DIR [MESON-OPTION…]: set up DIR, or reconfigure it with the options.
configure_build () {
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}
