#!/usr/bin/env bash
# Acceptance check: a handler bundle dropped into deploy/ of a RUNNING runtime shows up in
# hotplug:handlers within 5 s, takes effect (vetoes offline of CPU 3), and is gone again once the
# jar is deleted. Drives the runtime's own Gogo console through a FIFO, as a person would type.
#
#   distribution/src/test/sh/deploy-check.sh [DISTRIBUTION_FOLDER]   (default: distribution/target/syshotplug)
set -euo pipefail

dist=$(cd "$(dirname "$0")/../../.." && pwd)
home=${1:-$dist/target/syshotplug}
example=$home/examples/example-cpu-guard.jar
handler=example.cpu-three-guard
limit_ms=5000

[ -x "$home/bin/syshotplug" ] || { echo "no runtime at $home: build it with mvn -B install -DskipTests" >&2; exit 2; }
[ -f "$example" ] || { echo "no example bundle at $example" >&2; exit 2; }

work=$(mktemp -d)
data=$work/data                       # a data folder of its own: never the one another runtime holds
deployed=$home/deploy/$(basename "$example")
console=$work/console
out=$work/console.out
mkfifo "$console"
: > "$out"

"$home/bin/syshotplug" --data "$data" < "$console" >> "$out" 2> "$work/stderr" &
pid=$!
exec 3> "$console"                   # keeps the console open until the end
cleanup() {
  rm -f "$deployed"
  echo "exit" >&3 2>/dev/null || true
  exec 3>&- || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Runs one console command and leaves its output (only) in $out.
ask() {
  : > "$out"
  echo "$1" >&3
  local until=$(( $(now_ms) + 3000 ))
  until grep -q "$2" "$out"; do
    [ "$(now_ms)" -lt "$until" ] || { echo "no answer to '$1' (wanted '$2'); stderr:" >&2; cat "$work/stderr" >&2; return 1; }
    sleep 0.05
  done
}

# Started: the banner comes before the prompt.
until=$(( $(now_ms) + 60000 ))
until grep -q "SysHotplug on" "$out"; do
  [ "$(now_ms)" -lt "$until" ] || { echo "runtime did not start; stderr:" >&2; cat "$work/stderr" >&2; exit 1; }
  kill -0 "$pid" 2>/dev/null || { echo "runtime exited; stderr:" >&2; cat "$work/stderr" >&2; exit 1; }
  sleep 0.1
done
echo "runtime up: $(grep 'SysHotplug on' "$out")"

ask "hotplug:handlers" "org.syshotplug.cpu.validate"
grep -q "$handler" "$out" && { echo "FAIL: $handler present before deploy" >&2; exit 1; }

start=$(now_ms)
cp "$example" "$deployed"
while :; do
  ask "hotplug:handlers" "org.syshotplug.cpu.validate"
  grep -q "$handler" "$out" && break
  [ $(( $(now_ms) - start )) -lt 10000 ] || { echo "FAIL: $handler not in hotplug:handlers 10 s after the copy" >&2; exit 1; }
done
joined=$(( $(now_ms) - start ))
echo "deployed: $handler in hotplug:handlers ${joined} ms after the copy"
grep "$handler" "$out"

ask "hotplug:offline cpu:3" "$handler"
echo "offline cpu:3 with the guard: $(grep -m1 -i "rejected\|$handler" "$out" | tr -s ' ')"

start=$(now_ms)
rm -f "$deployed"
while :; do
  ask "hotplug:handlers" "org.syshotplug.cpu.validate"
  grep -q "$handler" "$out" || break
  [ $(( $(now_ms) - start )) -lt 10000 ] || { echo "FAIL: $handler still there 10 s after the delete" >&2; exit 1; }
done
left=$(( $(now_ms) - start ))
echo "removed: $handler gone from hotplug:handlers ${left} ms after the delete"

ask "hotplug:offline cpu:3" "SUCCEEDED\|offline"
echo "offline cpu:3 without the guard: $(grep -m1 "SUCCEEDED\|REJECTED" "$out")"

if [ "$joined" -le "$limit_ms" ] && [ "$left" -le "$limit_ms" ]; then
  echo "PASS: hot deploy ${joined} ms, removal ${left} ms (limit ${limit_ms} ms)"
else
  echo "FAIL: hot deploy ${joined} ms, removal ${left} ms (limit ${limit_ms} ms)"
  exit 1
fi
