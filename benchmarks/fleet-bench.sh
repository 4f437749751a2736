#!/bin/sh
# The fleet at scale: N agent instances sharing one runtime (factory configurations of
# org.syshotplug.fleet, one sequencer: their requests queue behind each other), one controller
# runtime, one Mosquitto, all on loopback. Prints the plan's wall time at --parallel N and at
# --parallel 1 (where each host's time minus its request's own run time is the fleet's overhead),
# and the broker's and the controller's resident memory.
#   benchmarks/fleet-bench.sh [N]      (after: mvn -B -pl distribution -am package -DskipTests)
set -eu
N=${1:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/distribution/target/syshotplug
work=$(mktemp -d /tmp/fleet-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\nset_tcp_nodelay true\nuser %s\n' "$port" "$(id -un)" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
broker=$!
cleanup() {
  "$work/agents/bin/syshotplug" stop > /dev/null 2>&1 || true
  "$work/ctl/bin/syshotplug" stop > /dev/null 2>&1 || true
  kill "$broker" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for h in agents ctl; do
  cp -r "$dist" "$work/$h"; rm -rf "$work/$h/data"
done
i=1
while [ "$i" -le "$N" ]; do
  name=$(printf 'h%03d' "$i")
  printf 'enabled = true\nhost = %s\nbroker = tcp://127.0.0.1:%s\n' "$name" "$port" > "$work/agents/etc/org.syshotplug.fleet-$name.cfg"
  i=$((i + 1))
done
printf 'enabled = true\nname = ctl\nbroker = tcp://127.0.0.1:%s\n' "$port" > "$work/ctl/etc/org.syshotplug.fleet.controller.cfg"
for h in agents ctl; do
  "$work/$h/bin/syshotplug" run > "$work/$h.out" 2>&1 &
done
for h in agents ctl; do "$work/$h/bin/syshotplug" status --wait 120 > /dev/null; done
tries=0
until [ "$("$work/ctl/bin/syshotplug" -c 'hotplug:fleet hosts' | grep -c ' online ')" -ge "$N" ]; do
  tries=$((tries + 1)); [ "$tries" -lt 600 ] || { echo "the hosts never came online" >&2; exit 1; }
done
echo "load: $(uptime)"
ms() { date +%s%N | cut -c1-13; }
# a first plan warms both JVMs (JIT, class loading); the figures are from the ones after it
"$work/ctl/bin/syshotplug" -c "hotplug:fleet run --parallel $N --dry-run --plan warmup offline cpu:3" > /dev/null
t0=$(ms); "$work/ctl/bin/syshotplug" -c "hotplug:fleet run --parallel $N --dry-run --plan wide offline cpu:3" > "$work/wide.out"; t1=$(ms)
echo "plan across $N hosts, $N at a time: $((t1 - t0)) ms wall (client included)"
t0=$(ms); "$work/ctl/bin/syshotplug" -c "hotplug:fleet run --parallel 1 --dry-run --json --plan serial offline cpu:3" > "$work/serial.json"; t1=$(ms)
echo "plan across $N hosts, 1 at a time: $((t1 - t0)) ms wall"
# overhead per host at --parallel 1: the controller's seconds for the host minus the request's own ms
"$work/agents/bin/syshotplug" -c 'hotplug:history -c 100000' > "$work/history.out"
"$work/agents/bin/syshotplug" -c 'hotplug:history --json -c 100000' > "$work/history.json"
python3 - "$work/serial.json" "$work/history.json" <<'PY'
import json, statistics, sys
plan = json.load(open(sys.argv[1]))
hist = json.load(open(sys.argv[2]))
rows = hist if isinstance(hist, list) else hist.get("results", hist.get("history", []))
def ms(r):
    for k in ("ms", "durationMs", "millis"):
        if k in r: return float(r[k])
    return 0.0
run = {r.get("id", r.get("requestId", "")): ms(r) for r in rows}
over = sorted(h["seconds"] * 1000 - run.get("serial." + h["host"], 0.0) for h in plan["hosts"])
print("per-host round trip at --parallel 1 (controller send to result, minus the request's own run time): "
      "mean %.1f ms, median %.1f ms, max %.1f ms over %d hosts" % (statistics.mean(over), statistics.median(over), over[-1], len(over)))
PY
echo "local request for comparison: $("$work/agents/bin/syshotplug" -c 'hotplug:offline --dry-run -q cpu:3' > /dev/null; "$work/agents/bin/syshotplug" -c 'hotplug:history' | awk '$3=="offline" && $1 !~ /\./ {print $(NF-1) " ms (history MS column)"; exit}')"
echo "broker RSS: $(ps -o rss= -p "$broker") kB; controller RSS: $(ps -o rss= -p "$(cat "$work/ctl/data/.lock")") kB; agents runtime RSS: $(ps -o rss= -p "$(cat "$work/agents/data/.lock")") kB"
grep -E '^plan ' "$work/wide.out"
