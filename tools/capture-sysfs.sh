#!/usr/bin/env bash
# Captures, from the machine it runs on, the read-only part of sysfs that the SysHotplug handlers
# read, into a fixture tree that LinuxSystemFiles can use as its root.
#
#   tools/capture-sysfs.sh [DEST]      (default: platform-bundle/src/test/resources/fixtures/vm-linux)
#
# Run it as root: some files (the ACPI tables) are root-only. It only reads; it never writes to /sys.
# - Symbolic links stay symbolic links with the kernel's own (relative) target text, even where the
#   target lies outside the captured subset (a dangling link still answers readlink).
# - Write-only attributes (eject, probe, compact...) are recorded as empty files: their mode is
#   kept on disk and listed in DEST/MODES, because git keeps only the executable bit.
# - A readable attribute whose read fails is recorded empty and listed in DEST/UNREADABLE.
# The capture goes to a temporary folder first and replaces DEST/sys only when it is complete,
# so re-running is safe and idempotent apart from values that changed on the machine.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$here/platform-bundle/src/test/resources/fixtures/vm-linux}
work=$(mktemp -d "${TMPDIR:-/tmp}/capture-sysfs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Folders the handlers never read, or that are huge and change every second.
prune_names=(power subsystem driver uevent cache cpuidle cpufreq vulnerabilities microcode
             hugepages memory_side_cache access0 access1 wakeup crash_notes crash_notes_size
             vmstat numastat)

modes="$work/MODES"
unreadable="$work/UNREADABLE"
: > "$modes"
: > "$unreadable"

copy_one() {
    local src=$1 dst=$work$1 mode
    if [ -L "$src" ]; then
        mkdir -p "$(dirname "$dst")"
        ln -s "$(readlink "$src")" "$dst"
    elif [ -d "$src" ]; then
        mkdir -p "$dst"
    elif [ -f "$src" ]; then
        mkdir -p "$(dirname "$dst")"
        mode=$(stat -c %a "$src")
        if [ $(( 8#$mode & 8#444 )) -eq 0 ]; then
            # Write-only: the kernel has no show() for it; reading would answer EACCES.
            : > "$dst"
        elif ! cat "$src" > "$dst" 2>/dev/null; then
            : > "$dst"
            echo "${src}" >> "$unreadable"
        fi
        chmod "$mode" "$dst"
        echo "$mode $src" >> "$modes"
    fi
}

capture_tree() {
    local top=$1 expr=() name
    [ -e "$top" ] || { echo "skip (absent): $top" >&2; return 0; }
    for name in "${prune_names[@]}"; do
        expr+=(-name "$name" -o)
    done
    unset 'expr[${#expr[@]}-1]'
    # -P: never follow links, so each symlink is copied as a link and never walked into.
    find -P "$top" -mindepth 0 \( "${expr[@]}" \) -prune -o -print0 |
        while IFS= read -r -d '' path; do copy_one "$path"; done
}

capture_tree /sys/devices/system/cpu
capture_tree /sys/devices/system/memory
capture_tree /sys/devices/system/node
# The ACPI bus folder holds only links into /sys/devices/LNXSYSTM:00, where children nest inside
# their parent's folder; capture both so the links resolve inside the fixture.
capture_tree /sys/bus/acpi/devices
capture_tree /sys/devices/LNXSYSTM:00
capture_tree /sys/firmware/acpi/hotplug
if [ -r /sys/firmware/acpi/tables/APIC ]; then
    copy_one /sys/firmware/acpi/tables
    copy_one /sys/firmware/acpi/tables/APIC
fi

sort -k2 -o "$modes" "$modes"
{
    echo "Captured from $(hostname) (Linux $(uname -r), $(uname -m)) on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "as $(id -un) with tools/capture-sysfs.sh (read-only subset of /sys the handlers use; symlinks kept relative;"
    echo "write-only attributes recorded empty, their modes in MODES; failed reads listed in UNREADABLE)."
} > "$work/README.md"

mkdir -p "$dest"
rm -rf "$dest/sys"
mv "$work/sys" "$dest/sys"
mv "$work/MODES" "$work/UNREADABLE" "$work/README.md" "$dest/"
echo "captured $(grep -c . "$dest/MODES") files into $dest"
