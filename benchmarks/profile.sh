#!/usr/bin/env bash
# Profiles the sequencer with JFR under JMH and prints its hot spots as file:line.
#   benchmarks/profile.sh                      8 handlers, 1 and 4,096 devices, journal off
#   benchmarks/profile.sh 'JournalBenchmark' -p journal=on -p devices=1
# CPU samples show where the worker burns time; time spent waiting for a thread hand-off does not
# show up as samples (compare the JMH score with the share of samples in SysHotplug frames).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || mvn -q -B -o -pl benchmarks -am install -DskipTests
out=benchmarks/target/jfr
rm -rf "$out"
if [ $# -eq 0 ]; then
    set -- 'SequencerBenchmark.sequencer$' -p handlers=8 -p devices=1,4096
fi
java -jar "$jar" "$@" -wi 1 -w 2s -i 1 -r ${RUN:-10s} -f 1 -prof "jfr:dir=$out;stackDepth=64" | grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)'
for f in $(find "$out" -name '*.jfr' | sort); do
    echo
    java -cp "$jar" org.syshotplug.benchmarks.JfrHotSpots "$f" 12
done
