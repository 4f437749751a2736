#!/usr/bin/env bash
# Start-up figures of the distribution: time from JVM start to the interactive shell being ready
# (the banner's "ready in", measured from the process start time) and the peak RSS of the whole
# process (/usr/bin/time -v), with the default heap and with -Xmx32m; median of N runs each.
# Every run starts from an empty data folder (first start: the framework cache is filled). On a
# loaded machine the wall-clock figures grow with the load; the CPU time (user+sys) much less.
#
#   distribution/src/test/sh/measure-startup.sh [DISTRIBUTION_FOLDER] [RUNS]
set -euo pipefail
dist=$(cd "$(dirname "$0")/../../.." && pwd)
home=${1:-$dist/target/syshotplug}
runs=${2:-5}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for opts in "" "-Xmx32m"; do
  ready=(); rss=(); wall=(); cpu=()
  for i in $(seq "$runs"); do
    data=$(mktemp -d)
    # The console reads an empty stdin, so the shell stops the framework as soon as it is ready.
    JAVA_OPTS="$opts" /usr/bin/time -v "$home/bin/syshotplug" --data "$data" < /dev/null > "$data/out" 2> "$data/err" || true
    ready+=("$(grep -o 'ready in [0-9]*' "$data/out" | grep -o '[0-9]*' || echo -1)")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print int($2/1024)}' "$data/err")")
    wall+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,t,":"); print int((t[1]*60+t[2])*1000)}' "$data/err")")
    cpu+=("$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print int((u+s)*1000)}' "$data/err")")
    rm -rf "$data"
  done
  printf 'heap %-8s JVM start to shell ready: median %s ms (runs: %s); peak RSS median %s MiB (runs: %s); whole run %s ms wall, %s ms CPU (user+sys)\n' \
    "${opts:-default}" "$(printf '%s\n' "${ready[@]}" | median)" "${ready[*]}" \
    "$(printf '%s\n' "${rss[@]}" | median)" "${rss[*]}" "$(printf '%s\n' "${wall[@]}" | median)" \
    "$(printf '%s\n' "${cpu[@]}" | median)"
done
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
