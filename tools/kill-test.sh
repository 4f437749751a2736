#!/bin/sh
# Crash-recovery kill test: SIGKILLs the runtime inside multi-device requests on the simulated
# machine (state kept in a file across restarts) and checks, after each restart, that every
# request is fully applied or fully rolled back and has exactly one final outcome.
#   tools/kill-test.sh [--runs N] [--seed FIRST] [--dist DIR] [--keep] [--mode x86|pseries]
# Needs the built distribution (mvn -B -o -pl distribution -am package -DskipTests) and python3.
# Last line: "kill test: X/N runs consistent (seeds A..B ...)"; exit status 0 if all were, 1 if one
# was inconsistent, 2 if the set-up or calibration failed. (A remove killed inside its commit is
# rolled forward by recovery and must end SUCCEEDED like any other.)
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/kill_test.py" "$@"
