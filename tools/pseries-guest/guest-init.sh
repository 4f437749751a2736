#!/bin/busybox sh
# /init of the differential guest: writes every scenario to /sys/kernel/dlpar and reports the
# errno and kernel messages of each, then waits for the host's QEMU monitor hot-plug and unplug.
# Output lines (parsed by PseriesGuestDifferentialTest):
#   WRITE [<string>] -> rc=<dd exit> stderr=<dd error>   followed by "    kmsg: <line>" lines
#   STEP [<step>] -> rc=<exit> stderr=<error>             a sysfs step of the scenario list
#   PROBE memoryN offline=<ok|error text>                 which blocks the guest can offline
#   STATE <phase> <key>=<value>                           partition state after a phase
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
DT=/proc/device-tree
MEM=/sys/devices/system/memory
kmsg() { dmesg -c | sed -e 's/^\[[ 0-9.]*\] //' -e 's/^/    kmsg: /'; }
state() {
  echo "STATE $1 cpu-present=$(cat /sys/devices/system/cpu/present)"
  echo "STATE $1 cpu-online=$(cat /sys/devices/system/cpu/online)"
  echo "STATE $1 memory-blocks=$(cd $MEM && for b in memory*; do echo -n "${b#memory}:$(cat $b/state) "; done)"
  echo "STATE $1 drmem-v2=$(hexdump -v -e '4/1 "%02x" " "' $DT/ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory-v2)"
  echo "STATE $1 cpu-nodes=$(for c in $DT/cpus/*@*; do echo -n "$(basename $c):$(hexdump -v -e '4/1 "%02x"' $c/ibm,my-drc-index) "; done)"
}
scenarios() {
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  case "$line" in
    '!offline '*)
      blk=${line#!offline }
      echo offline 2>/tmp/err > $MEM/$blk/state; rc=$?
      echo "STEP [${line#!}] -> rc=$rc stderr=$(sed 's/.*: //' /tmp/err)"; kmsg; continue ;;
  esac
  case "$line" in
    '<empty>') s="" ;;
    *'\n') s="${line%\\n}
" ;;
    *) s="$line" ;;
  esac
  printf '%s' "$s" | dd of=/sys/kernel/dlpar bs=4096 2>/tmp/err; rc=$?
  echo "WRITE [$s] -> rc=$rc stderr=$(grep -i error /tmp/err)"
  kmsg
done < "$1"
}
echo "=====BEGIN-DIFFERENTIAL====="
echo "UNAME $(uname -r)"
echo "DLPAR-READ $(cat /sys/kernel/dlpar)"
dmesg -c > /dev/null
for b in $MEM/memory*; do
  if [ "$(cat $b/state)" = online ]; then
    if echo offline 2>/tmp/err > $b/state; then echo "PROBE $(basename $b) offline=ok"; echo online > $b/state
    else echo "PROBE $(basename $b) offline=$(sed 's/.*: //' /tmp/err)"; fi
  fi
done
dmesg -c > /dev/null
state boot
scenarios /scenarios.txt
state probes
echo READY-FOR-HOTPLUG
i=0; while [ $i -lt 90 ] && ! { [ -e /sys/devices/system/cpu/cpu0/online ] && [ -e $DT/cpus/PowerPC,POWER9@2 ] && [ -e $MEM/memory11 ]; }; do sleep 1; i=$((i+1)); done
sleep 2
echo "HOTPLUG device_add"
kmsg
state hotplug
scenarios /scenarios-hotplug.txt
state hotplug-probes
echo READY-FOR-UNPLUG
i=0; while [ $i -lt 90 ] && { [ -e $DT/cpus/PowerPC,POWER9@2 ] || [ -e $MEM/memory11 ]; }; do sleep 1; i=$((i+1)); done
sleep 2
echo "HOTPLUG device_del"
kmsg
state unplug
echo "=====END-DIFFERENTIAL====="
poweroff -f
