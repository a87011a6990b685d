# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Debian 12 packages Pigeon needs, and a function that installs the
# missing ones. Sourced by build-aux/run and build-aux/test.

BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libsqlite3-dev libsecret-1-dev
  desktop-file-utils adwaita-icon-theme fonts-cantarell
  glib-networking
  libwebkitgtk-6.0-dev
)

# Real servers for the peers suite, a display and validators for the ui and
# data suites, the formatter for the style check, and clang with libFuzzer
# for the fuzz suite.
TEST_PACKAGES=(
  python3 xvfb xauth x11-utils dbus gnome-keyring libsecret-tools
  dovecot-imapd dovecot-pop3d dovecot-lmtpd exim4-daemon-light swaks libnet-ssleay-perl libio-socket-ssl-perl
  gnutls-bin
  appstream clang-format
  clang libclang-rt-14-dev
)
BENCH_PACKAGES=(isync)  # benchmarks only (meson test --benchmark): mbsync, the reference of engine-sync-bodies

ensure_packages ()
{
  local missing=()
  local package

  for package in "$@"; do
    if ! dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "error: these packages are missing and you are not root: ${missing[*]}" >&2
      echo "Install them as root with: apt-get install ${missing[*]}" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
