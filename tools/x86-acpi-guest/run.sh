#!/usr/bin/env bash
# A real x86-64 Linux 6.1 guest doing ACPI CPU/DIMM hot-plug under QEMU TCG, driven from the host
# through two unix sockets: the agent (tools/x86-acpi-guest/agent.c, the guest's second serial
# port) serves the guest's /sys and /proc, QMP carries device_add/device_del and the _OST events.
#
#   run.sh --prepare                     fetch and build everything into the cache, then exit 0
#   run.sh WORKDIR [memhp_default_state] prepare, then exec QEMU with WORKDIR/agent.sock,
#                                        WORKDIR/qmp.sock and WORKDIR/console.log
#
# Cache: X86_GUEST_CACHE (default ~/.cache/syshotplug-x86-guest). X86_GUEST_QEMU=system runs the
# installed qemu-system-x86_64; X86_GUEST_QEMU=/path runs that binary. Exit 77 with one line
# "SKIP: <reason>" on stderr when something needed cannot be had.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${X86_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/syshotplug-x86-guest}
skip() { echo "SKIP: $*" >&2; exit 77; }
log() { echo "x86-acpi-guest: $*" >&2; }

case "${1:-}" in
  --prepare) work= ;;
  ""|-h|--help) sed -n 2,12p "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  *) work=$1 ;;
esac
memhp=${2:-offline}
case "$memhp" in offline|online|online_kernel|online_movable) ;; *) echo "unknown memhp_default_state '$memhp'" >&2; exit 2 ;; esac

[ "$(uname -m)" = x86_64 ] || skip "the guest's agent is built with this host's gcc -static, which needs an x86-64 host (this is $(uname -m))"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
  || skip "apt-get/dpkg-deb are missing: the guest kernel, busybox and QEMU 10 come from Debian's archive"
command -v gcc >/dev/null || skip "gcc is missing: it builds the guest agent (apt-get install gcc libc6-dev)"
mkdir -p "$cache"
# One preparation at a time: two test JVMs may start at once on a cold cache.
exec 9>"$cache/.lock"
flock 9

# A private apt state: the host's lists may be stale or lack backports, and its dpkg state is never touched.
apt_dir=$cache/apt
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
          -o "Dir::Etc::Preferences=$apt_dir/etc/preferences" -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
          -o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=$apt_dir/status"
          -o "Dir::Cache=$apt_dir/cache" -o "APT::Architecture=amd64" -o "APT::Architectures=amd64"
          -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=1")
apt_ready=
apt_update() {
  [ -z "$apt_ready" ] || return 0
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/sources.list.d" "$apt_dir/etc/preferences.d"
  touch "$apt_dir/status"
  cat > "$apt_dir/etc/sources.list" <<SRC
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main
SRC
  [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || skip "no Debian archive keyring (apt-get install debian-archive-keyring)"
  log "reading Debian's bookworm and bookworm-backports package index"
  apt-get "${apt_opts[@]}" -qq update >"$cache/apt.log" 2>&1 || skip "cannot read Debian's package index (see $cache/apt.log)"
  apt_ready=1
}

# Kernel and busybox: the kernel linux-image-amd64 of bookworm itself (not backports) depends on.
mkdir -p "$cache/debs"
if ! ls "$cache"/debs/linux-image-*_amd64.deb >/dev/null 2>&1 || ! ls "$cache"/debs/busybox-static_*_amd64.deb >/dev/null 2>&1; then
  apt_update
  kernel_pkg=$(apt-cache "${apt_opts[@]}" show linux-image-amd64/bookworm 2>/dev/null \
               | sed -n 's/^Depends: .*\(linux-image-6\.1[^ ,]*-amd64\).*/\1/p' | head -n 1)
  [ -n "$kernel_pkg" ] || skip "Debian bookworm's index names no linux-image-6.1.*-amd64 for linux-image-amd64"
  log "downloading $kernel_pkg and busybox-static"
  (cd "$cache/debs" && apt-get "${apt_opts[@]}" -qq download "$kernel_pkg/bookworm" busybox-static/bookworm) >>"$cache/apt.log" 2>&1 \
    || skip "cannot download $kernel_pkg and busybox-static (see $cache/apt.log)"
fi
root=$cache/root
if [ ! -x "$root/bin/busybox" ] || ! ls "$root"/boot/vmlinuz-* >/dev/null 2>&1; then
  rm -rf "$root"; mkdir -p "$root"
  for deb in "$cache"/debs/linux-image-*_amd64.deb "$cache"/debs/busybox-static_*_amd64.deb; do dpkg-deb -x "$deb" "$root"; done
  rm -rf "$root/lib/modules" "$root/usr/lib/modules" # every ACPI hot-plug driver is built in; modules are 400 MB
fi
vmlinuz=$(ls "$root"/boot/vmlinuz-* | head -n 1)

# QEMU: bookworm's 7.2 corrupts its heap on the first CPU device_add after a CPU unplug under TCG
# (and -accel tcg,thread=single aborts on the unplug), so bookworm-backports' 10.0 binary is run
# from the cache; its shared libraries and seabios come from the installed bookworm qemu-system-x86.
qemu_l=()
case "${X86_GUEST_QEMU:-}" in
  system) qemu=$(command -v qemu-system-x86_64) || skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)" ;;
  /*) qemu=$X86_GUEST_QEMU; [ -x "$qemu" ] || skip "X86_GUEST_QEMU=$qemu is not executable" ;;
  "")
    [ -d /usr/share/qemu ] && [ -e /usr/share/seabios/bios-256k.bin ] \
      || skip "qemu-system-x86 is not installed (apt-get install qemu-system-x86): its libraries and seabios are needed"
    bpo=$cache/qemu-bpo
    if [ ! -x "$bpo/usr/bin/qemu-system-x86_64" ]; then
      apt_update
      mkdir -p "$cache/debs-bpo"
      rm -f "$cache"/debs-bpo/*.deb
      log "downloading qemu-system-x86 from bookworm-backports"
      (cd "$cache/debs-bpo" && apt-get "${apt_opts[@]}" -qq download qemu-system-x86/bookworm-backports \
         qemu-system-data/bookworm-backports qemu-system-common/bookworm-backports) >>"$cache/apt.log" 2>&1 \
        || skip "cannot download qemu-system-x86 from bookworm-backports (see $cache/apt.log)"
      rm -rf "$bpo.tmp"; mkdir -p "$bpo.tmp"
      for deb in "$cache"/debs-bpo/*.deb; do dpkg-deb -x "$deb" "$bpo.tmp"; done
      rm -rf "$bpo"; mv "$bpo.tmp" "$bpo"
    fi
    qemu=$bpo/usr/bin/qemu-system-x86_64
    qemu_l=(-L "$bpo/usr/share/qemu" -L /usr/share/qemu -L /usr/share/seabios)
    ;;
  *) skip "X86_GUEST_QEMU must be 'system' or an absolute path, not '$X86_GUEST_QEMU'" ;;
esac
missing=$(ldd "$qemu" 2>/dev/null | awk '/not found/ {print $1}' | tr '\n' ' ')
[ -z "$missing" ] || skip "$qemu misses libraries ${missing}(apt-get install qemu-system-x86)"

# The agent and the initramfs: rebuilt when agent.c, init or busybox changed.
libc_a=$(gcc -print-file-name=libc.a)
[ -e "$libc_a" ] || skip "gcc cannot link statically: no libc.a (apt-get install libc6-dev)"
agent=$cache/agent
if [ ! -x "$agent" ] || [ "$here/agent.c" -nt "$agent" ]; then
  gcc -O2 -static -Wall -Wextra -o "$agent.tmp" "$here/agent.c" >"$cache/agent-build.log" 2>&1 \
    || skip "the guest agent does not build (see $cache/agent-build.log)"
  mv "$agent.tmp" "$agent"
fi
initrd=$cache/initramfs.cpio
if [ ! -s "$initrd" ] || [ "$agent" -nt "$initrd" ] || [ "$here/init" -nt "$initrd" ] || [ "$root/bin/busybox" -nt "$initrd" ]; then
  stage=$cache/initramfs.d
  rm -rf "$stage"; mkdir -p "$stage/bin" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp"
  cp "$root/bin/busybox" "$agent" "$stage/bin/"
  cp "$here/init" "$stage/init"; chmod 755 "$stage/init" "$stage/bin/agent"
  # busybox-static runs on this amd64 host too, so no host cpio is needed; /dev/console is left to
  # devtmpfs (mknod would need root here).
  (cd "$stage" && find . -mindepth 1 | sort | "$root/bin/busybox" cpio -o -H newc >"$initrd.tmp" 2>/dev/null) \
    || skip "busybox cpio could not pack the initramfs"
  mv "$initrd.tmp" "$initrd"
fi

if [ -z "$work" ]; then
  echo "kernel $(basename "$vmlinuz"), $("$qemu" --version | head -n 1)" >&2
  exit 0
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
# sun_path holds 108 bytes
[ ${#work} -le 90 ] || skip "work folder path is too long for a unix socket (${#work} > 90 characters): $work"
rm -f "$work/agent.sock" "$work/qmp.sock"
cmd=("$qemu" "${qemu_l[@]}"
     -machine q35 -accel tcg -cpu qemu64 -smp 1,maxcpus=4 -m 1G,slots=4,maxmem=4G -nodefaults
     -kernel "$vmlinuz" -initrd "$initrd"
     -append "console=ttyS0 rdinit=/init memhp_default_state=$memhp quiet loglevel=4 panic=1"
     -chardev "file,id=console,path=$work/console.log" -device isa-serial,chardev=console
     -chardev "socket,id=agent,path=$work/agent.sock,server=on,wait=off" -device isa-serial,chardev=agent
     -qmp "unix:$work/qmp.sock,server=on,wait=off"
     -no-reboot -display none)
printf '%q ' "${cmd[@]}" > "$work/qemu-command.txt"
echo "kernel $(basename "$vmlinuz"), $("$qemu" --version | head -n 1), memhp_default_state=$memhp" >&2
exec 9>&-
exec "${cmd[@]}"
