#!/usr/bin/env bash
# Real-kernel DLPAR run: boots Debian's ppc64le Linux (6.1) with a busybox initramfs under
# qemu-system-ppc64 -machine pseries (TCG), writes scenarios.txt to the guest's /sys/kernel/dlpar,
# hot-plugs and unplugs a DIMM and CPU core 2 through the QEMU monitor, and records every errno,
# kernel message and device-tree change in OUTDIR/guest-console.log.
#
#   tools/pseries-guest/run.sh OUTDIR
#
# Needs qemu-system-ppc64 (Debian: apt-get install qemu-system-ppc), python3, apt-get and dpkg-deb.
# The ppc64el packages are fetched with apt-get download using a private apt state under the cache
# folder (PSERIES_GUEST_CACHE, default ~/.cache/syshotplug-pseries-guest); the machine's dpkg
# architectures are not touched. Exit 77 (with the reason on stderr) when something needed cannot
# be had; the JUnit differential test then skips with that message.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: run.sh OUTDIR}
cache=${PSERIES_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/syshotplug-pseries-guest}
skip() { echo "SKIP: $*" >&2; exit 77; }

command -v qemu-system-ppc64 >/dev/null || skip "qemu-system-ppc64 is not installed (Debian: apt-get install qemu-system-ppc)"
command -v python3 >/dev/null || skip "python3 is not installed (it builds the initramfs and drives the QEMU monitor)"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || skip "apt-get/dpkg-deb are missing: the ppc64el packages come from Debian's archive"

apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/sources.list.d" \
         "$apt_dir/etc/preferences.d" "$cache/debs" "$out"
touch "$apt_dir/status"
cat > "$apt_dir/etc/sources.list" <<SRC
deb [arch=ppc64el signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
SRC
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
          -o "Dir::Etc::Preferences=$apt_dir/etc/preferences" -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
          -o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=$apt_dir/status"
          -o "Dir::Cache=$apt_dir/cache" -o "APT::Architecture=ppc64el" -o "APT::Architectures=ppc64el"
          -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")

if ! ls "$cache"/debs/linux-image-*_ppc64el.deb >/dev/null 2>&1 || ! ls "$cache"/debs/busybox-static_*_ppc64el.deb >/dev/null 2>&1; then
  apt-get "${apt_opts[@]}" -qq update >"$out/apt.log" 2>&1 || skip "cannot read Debian's ppc64el package index (see $out/apt.log)"
  kernel_pkg=$(apt-cache "${apt_opts[@]}" depends linux-image-powerpc64le 2>/dev/null \
               | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$kernel_pkg" ] || skip "Debian's ppc64el index names no linux-image-powerpc64le kernel"
  (cd "$cache/debs" && apt-get "${apt_opts[@]}" -qq download "$kernel_pkg" busybox-static) >>"$out/apt.log" 2>&1 \
    || skip "cannot download $kernel_pkg and busybox-static for ppc64el (see $out/apt.log)"
fi

root=$cache/root
if [ ! -x "$root/bin/busybox" ] || ! ls "$root"/boot/vmlinux-* >/dev/null 2>&1; then
  rm -rf "$root"; mkdir -p "$root"
  for deb in "$cache"/debs/linux-image-*_ppc64el.deb "$cache"/debs/busybox-static_*_ppc64el.deb; do
    dpkg-deb -x "$deb" "$root"
  done
fi
vmlinux=$(ls "$root"/boot/vmlinux-* | head -n 1)
echo "kernel $(basename "$vmlinux"), $(qemu-system-ppc64 --version | head -n 1)" | tee "$out/versions.txt"

exec python3 "$here/driver.py" --kernel "$vmlinux" --busybox "$root/bin/busybox" --init "$here/guest-init.sh" \
  --scenarios "$here/scenarios.txt" --out "$out" --timeout "${PSERIES_GUEST_TIMEOUT:-150}"
