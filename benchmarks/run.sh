#!/usr/bin/env bash
# Runs every SysHotplug benchmark and prints one table at the end (also written to
# benchmarks/target/results/summary.txt). About 11 minutes on a 2-core machine:
#   JMH: sequencer vs direct calls (3 chains x 3 request sizes), latency percentiles,
#        bind/unbind under load, the simulated machine at 1,024 CPUs / 8,192 blocks;
#   live: offline+online of CPU 1 through SysHotplug, chcpu and write(2), interleaved
#         (root and a writable sysfs only; holds /tmp/syshotplug-live.lock; CPU 1 is put back online);
#   start-up: bin/syshotplug -c ... under /usr/bin/time -v, per JVM flag set.
# Options are passed to org.syshotplug.benchmarks.Suite:
#   --skip jmh,live,startup   leave parts out
#   --live-cycles N           (default 20)    --startup-runs N (default 5)
# Environment: REBUILD=1 rebuilds the benchmark jar and the distribution first;
#   NICE=-10 runs the suite at that nice level (root only): on a machine shared with builds it
#   keeps the scheduler from queueing the sequencer's thread hand-offs behind them. Say so with
#   the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=benchmarks/target/benchmarks.jar
dist=distribution/target/syshotplug

build() {
    # Offline first (the dependencies are normally cached); online if something is missing.
    mvn -q -B -o "$@" || mvn -q -B "$@"
}

if [ -n "${REBUILD:-}" ] || [ ! -f "$jar" ]; then
    build -pl benchmarks -am install -DskipTests
fi
if [ -n "${REBUILD:-}" ] || [ ! -x "$dist/bin/syshotplug" ]; then
    build -pl distribution -am install -DskipTests || echo "run.sh: the distribution did not build; start-up figures will be skipped" >&2
fi

mkdir -p benchmarks/target/results
echo "run.sh: $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), nice ${NICE:-0}, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(java -version 2>&1 | head -1)"
nice -n "${NICE:-0}" java -cp "$jar" org.syshotplug.benchmarks.Suite --home "$dist" --out benchmarks/target/results "$@" \
    | tee benchmarks/target/results/suite.log
sed -n '/==== SysHotplug benchmark summary ====/,$p' benchmarks/target/results/suite.log \
    > benchmarks/target/results/summary.txt
