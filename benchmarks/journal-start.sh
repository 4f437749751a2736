#!/bin/sh
# Whole-runtime start on a fresh journal vs on a given (large) journal, interleaved, one line per run:
#   benchmarks/journal-start.sh JOURNAL [RUNS] [DIST]
# JOURNAL: e.g. the one JournalFigures leaves with -Djournal.figures.keep=/tmp/journal-100x1000.log.
# Each run is `bin/syshotplug --data DIR -q -c "hotplug:history 1"` on the same framework cache, the
# sequencer's journal removed (fresh) or replaced by JOURNAL (full); prints "fresh|full MILLIS".
set -e
big=${1:?usage: benchmarks/journal-start.sh JOURNAL [RUNS] [DIST]}
runs=${2:-6}
dist=${3:-$(cd "$(dirname "$0")/.." && pwd)/distribution/target/syshotplug}
data=$(mktemp -d /tmp/syshotplug-journal-start-XXXXXX)
trap 'rm -rf "$data"' EXIT
"$dist/bin/syshotplug" --data "$data" -q -c "hotplug:history 1" >/dev/null 2>&1
journal=$(find "$data" -name journal.log | head -1)
[ -n "$journal" ] || { echo "no journal.log under $data after a first start" >&2; exit 1; }
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
while [ $i -lt "$runs" ]; do
  for kind in fresh full; do
    rm -f "$journal" "$journal".*
    [ $kind = full ] && cp "$big" "$journal"
    t0=$(date +%s%N)
    "$dist/bin/syshotplug" --data "$data" -q -c "hotplug:history 1" >/dev/null 2>&1
    t1=$(date +%s%N)
    echo "$kind $(( (t1 - t0) / 1000000 ))"
  done
  i=$((i + 1))
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
