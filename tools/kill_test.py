#!/usr/bin/env python3
"""Crash-recovery kill test for SysHotplug (see tools/kill-test.sh for usage).

Runs a private copy of the built distribution on the simulated machine with its state kept in a
file (platform config `stateFile`, written durably after every successful write, like a kernel
that has applied the change) and slow CPU/memory files (`faultDelays`), so a SIGKILL lands inside
requests. Each run: start the runtime with two multi-device requests (x86: offline CPUs 1-3 and two
memory blocks, then online them back; pseries: DLPAR add of two LMB DRCs and a CPU DRC, then their
forced remove), SIGKILL the JVM at a random moment after the first request
was journaled, restart it (recovery runs before any new request; a dry-run request waits for it),
then check:

  * every request the journal accepted has exactly one final outcome, in the journal and once in
    `hotplug:history`, with the same outcome in both;
  * the simulated machine equals the state before the run with exactly the SUCCEEDED requests
    applied, in order: a request is fully applied or fully rolled back, never in between (pseries:
    the whole state file, DRC states included, equals S0 before the add or S1 after it; a remove
    killed inside its commit is rolled forward by recovery, so it ends SUCCEEDED and S2 == S0).
"""
import argparse
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import re

# x86 (default): offline then online CPUs and memory blocks; the check applies each SUCCEEDED request's
# per-device effect. pseries: DLPAR add then remove of two LMB DRCs and one CPU DRC, so a kill inside
# execute leaves DRCs acquired that recovery must release (DrcAcquireHandler's undo log); the check
# compares the whole state file (DRC states, LMB flags, configured cores, CPUs, memory blocks) with
# the states a whole request leaves, calibrated without a kill.
MODES = {
    "x86": {"cfg": {}, "ops": ("offline", "online"),
            "devices": ["cpu:1", "cpu:2", "cpu:3", "memory:12", "memory:13"],
            "requests": None,
            "delays": ["/sys/devices/system/cpu/cpu%d/online" % c for c in (1, 2, 3)]
            + ["/sys/devices/system/memory/memory%d/state" % b for b in (12, 13)],
            "whole_state": False},
    # 4 of 8 cores present, 16 boot LMBs, LMB DRCs 0x80000010-0x80000027 (the first two assigned at
    # boot), 2 memory blocks of 128 MiB per 256 MiB LMB: LMB 0x80000012 is blocks 36-37, 0x80000013
    # blocks 38-39, CPU DRC 0x10000004 is CPU 4. The remove is forced: DLPAR memory comes online in
    # ZONE_NORMAL, which removeMovableOnly refuses otherwise.
    "pseries": {"cfg": {"profile": "pseries", "possibleCpus": "8"}, "ops": ("add", "remove"),
                "devices": ["drc:0x80000012", "drc:0x80000013", "drc:0x10000004"],
                "requests": ("hotplug:add drc:0x80000012 drc:0x80000013 drc:0x10000004",
                             "hotplug:remove --force drc:0x80000012 drc:0x80000013 drc:0x10000004"),
                "delays": ["/sys/kernel/dlpar", "/sys/devices/system/cpu/cpu4/online"]
                + ["/sys/devices/system/memory/memory%d/state" % b for b in (36, 37, 38, 39)],
                "whole_state": True},
}
MODE = MODES["x86"]
MODE_NAME = "x86"
R1 = R2 = None
DEVICES = []
# Every access to these files takes this long, so kills land between and inside the devices of a step.
DELAY_MILLIS = 40
# A request that goes through the queue, so it completes only after recovery: an online of a CPU that
# is online already is answered at once without queueing ("cpu:1 is already online"). Memory block 5 is
# online boot memory on both machines and in no request of a run; offline is never refused by policy.
WAIT_FOR_RECOVERY = "hotplug:offline --dry-run memory:5"
CAUSES = {}
FINAL = {"SUCCEEDED", "REJECTED", "ROLLED_BACK", "ROLLBACK_FAILED", "COMMIT_FAILED", "CANCELLED", "ABORTED",
         "DRY_RUN", "IN_DOUBT"}


def log(msg):
    print(msg, flush=True)


class Runtime:
    def __init__(self, work, dist):
        self.work = work
        self.home = os.path.join(work, "dist")
        self.state_file = os.path.join(work, "machine.state")
        shutil.copytree(dist, self.home, symlinks=True)
        data = os.path.join(self.home, "data")
        shutil.rmtree(data, ignore_errors=True)
        os.makedirs(data)
        os.makedirs(os.path.join(self.home, "deploy"), exist_ok=True)
        for name in os.listdir(os.path.join(self.home, "deploy")):
            os.remove(os.path.join(self.home, "deploy", name))
        delays = ",".join("%s=%d" % (path, DELAY_MILLIS) for path in MODE["delays"])
        platform = os.path.join(self.home, "etc", "org.syshotplug.platform.cfg")
        settings = dict(MODE["cfg"], stateFile=self.state_file, faultDelays=delays)
        configure(platform, settings)
        with open(os.path.join(self.home, "etc", "org.syshotplug.sequencer.cfg"), "a") as f:
            # Recovery waits this long for a missing handler; the journal keeps the last 300 requests.
            f.write("\n# kill test\nhandlerDeadlineMillis = 10000\nhistorySize = 300\n")

    def command(self, *commands):
        args = [os.path.join(self.home, "bin", "syshotplug"), "-q"]
        for c in commands:
            args += ["-c", c]
        return args

    def run(self, *commands, timeout=180):
        p = subprocess.run(self.command(*commands), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=timeout, env=env())
        return p.returncode, p.stdout

    def start(self, *commands):
        out = open(os.path.join(self.work, "workload.out"), "w")
        return subprocess.Popen(self.command(*commands), stdout=out, stderr=subprocess.STDOUT, env=env())

    def journal_path(self):
        found = glob.glob(os.path.join(self.home, "data", "cache", "*", "data", "journal.log"))
        return found[0] if found else None

    def journal(self):
        path = self.journal_path()
        if path is None:
            return []
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().split("\n")

    def machine(self):
        if not os.path.exists(self.state_file):
            return None
        with open(self.state_file) as f:
            state = {" ".join(l.split()[:2]): " ".join(l.split()[2:]) for l in f.read().splitlines() if l.strip()}
        return state

    def set_machine(self, state):
        """Puts the simulated machine back to a state read before (the runtime is not running)."""
        with open(self.state_file, "w") as f:
            f.write("".join(("%s %s" % (k, v)).rstrip() + "\n" for k, v in sorted(state.items())))


def configure(path, settings):
    """Sets 'key = value' lines of a .cfg file in place (appended when the key is not there), so the
    file never holds a key twice."""
    with open(path) as f:
        lines = f.read().splitlines()
    left = dict(settings)
    out = []
    for line in lines:
        key = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("#") else None
        if key in left:
            out.append("%s = %s" % (key, left.pop(key)))
        else:
            out.append(line)
    if left:
        out.append("# kill test")
        out += ["%s = %s" % (k, v) for k, v in left.items()]
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def env():
    e = dict(os.environ)
    e.setdefault("JAVA_OPTS", "-Xmx96m -XX:TieredStopAtLevel=1 -Xshare:auto")
    return e


def unescape(text):
    """The journal escapes '%', tab and control characters as %XX (see sequencer-bundle/README.md)."""
    return re.sub(r"%([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def devices(text):
    """Device lists are written with ranges: cpu:1..3,memory:12..13."""
    out = []
    for item in [d for d in text.split(",") if d]:
        if ".." in item:
            first, last = item.split("..")
            kind, start = first.rsplit(":", 1)
            out += ["%s:%d" % (kind, n) for n in range(int(start), int(last) + 1)]
        else:
            out.append(item)
    return out


def records(lines):
    """(type, fields) of each whole record: 'seq TAB type TAB fields... TAB crc32c'; others skipped."""
    for line in lines:
        parts = line.split("\t")
        if len(parts) < 3 or not parts[0].isdigit() or len(parts[-1]) != 8:
            continue
        yield parts[1], [unescape(x) for x in parts[2:-1]]


def parse_journal(lines):
    """Requests in journal order: id -> {op, targets, dry, outcomes[], messages[], submitted, finished}."""
    requests = {}
    order = []
    for kind, f in records(lines):
        if kind == "Q" and len(f) >= 9:
            requests[f[0]] = {"op": f[1], "dry": f[3] == "true", "targets": devices(f[7]),
                              "outcomes": [], "messages": [], "phases": [], "submitted": int(f[8])}
            order.append(f[0])
        elif kind == "P" and f[0] in requests:
            requests[f[0]]["phases"].append(f[1])
        elif kind == "T" and f[0] in requests and len(f) >= 5:
            requests[f[0]].setdefault("steps", []).append((f[1], f[2], f[4]))
        elif kind == "C" and f[0] in requests and len(f) >= 8:
            requests[f[0]]["outcomes"].append(f[1])
            requests[f[0]]["messages"].append(f[7])
            requests[f[0]]["finished"] = int(f[2])
    return requests, order


def parse_history(text):
    seen = {}
    header = False
    for line in text.splitlines():
        cols = line.split()
        if cols[:2] == ["ID", "OUTCOME"]:
            header = True
            continue
        if header and len(cols) >= 2 and cols[1] in FINAL:
            seen.setdefault(cols[0], []).append(cols[1])
    return seen


def apply(state, op, targets, effects):
    s = dict(state)
    for t in targets:
        s[t.replace(":", " ")] = effects[(op, t)]
    return s


def diff(expected, actual):
    keys = sorted(set(expected) | set(actual))
    return ", ".join("%s expected '%s' is '%s'" % (k, expected.get(k), actual.get(k))
                     for k in keys if expected.get(k) != actual.get(k))


def cause(requests, new_ids, expected, actual):
    """Which journaled step the wrong devices belong to: a step recorded as executed and rolled back
    after the restart, or a step the kill interrupted (no record of it at all)."""
    wrong = {k.split()[0] for k in set(expected) | set(actual) if expected.get(k) != actual.get(k)}
    notes = []
    for rid in new_ids:
        r = requests[rid]
        if not any("interrupted by a restart" in m for m in r["messages"]):
            continue
        steps = r.get("steps", [])
        for kind in sorted(wrong):
            handler = "org.syshotplug.%s.online" % kind
            executed = (("EXECUTE", handler, "OK") in steps)
            rolled = any(st[0] == "ROLLBACK" and st[1] == handler for st in steps)
            if executed and rolled:
                notes.append("%s: its execute step was journaled and 'rolled back' after the restart, but the"
                             " rollback changed nothing" % handler)
                CAUSES["%s step done, its rollback after restart changed nothing" % handler] = \
                    CAUSES.get("%s step done, its rollback after restart changed nothing" % handler, 0) + 1
            elif not executed:
                notes.append("%s: the kill interrupted its execute step, which left no journal record" % handler)
                CAUSES["%s step interrupted half-way, not in the journal" % handler] = \
                    CAUSES.get("%s step interrupted half-way, not in the journal" % handler, 0) + 1
    return " [" + "; ".join(notes) + "]" if notes else ""


def where_killed(requests, new_ids, at_kill=None):
    # A request cut off in commit is rolled forward and ends SUCCEEDED without a message: the journal
    # as the kill left it (no outcome yet, last phase COMMIT) says where it was.
    for rid in new_ids:
        r = (at_kill or {}).get(rid)
        if r and not r["outcomes"] and r["phases"] and r["phases"][-1] == "COMMIT":
            return "inside %s (commit)" % r["op"]
    for rid in new_ids:
        r = requests[rid]
        for m in r["messages"]:
            if "interrupted by a restart" in m:
                phase = r["phases"][-1].lower() if r["phases"] else "queue"
                return "inside %s (%s)" % (r["op"], phase)
            if "queued when the runtime stopped" in m:
                return "queued %s" % r["op"]
    return "between or after requests"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None, help="first seed; run i uses seed+i")
    ap.add_argument("--dist", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                   "distribution", "target", "syshotplug"))
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--mode", choices=sorted(MODES), default="x86",
                    help="x86: offline/online CPUs and memory; pseries: DLPAR add/remove of LMB and CPU DRCs")
    a = ap.parse_args()
    global MODE, MODE_NAME, R1, R2, DEVICES
    MODE = MODES[a.mode]
    MODE_NAME = a.mode
    DEVICES = MODE["devices"]
    if MODE["requests"]:
        R1, R2 = MODE["requests"]
    else:
        R1 = "hotplug:%s %s" % (MODE["ops"][0], " ".join(DEVICES))
        R2 = "hotplug:%s %s" % (MODE["ops"][1], " ".join(DEVICES))
    dist = os.path.abspath(a.dist)
    if not os.path.exists(os.path.join(dist, "bin", "syshotplug")):
        log("kill test: no distribution at %s (build it: mvn -B -o -pl distribution -am package -DskipTests)" % dist)
        return 2
    first_seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    work = tempfile.mkdtemp(prefix="syshotplug-kill-")
    rt = Runtime(work, dist)
    try:
        return campaign(rt, a.runs, first_seed, work)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


def campaign(rt, runs, first_seed, work):
    log("kill test (%s): %d runs, seeds %d..%d, work folder %s" % (MODE_NAME, runs, first_seed,
                                                                  first_seed + runs - 1, work))
    # Calibration, no kill: the states a whole request leaves, and how long the two requests take.
    code, out = rt.run(WAIT_FOR_RECOVERY)
    initial = rt.machine()
    if code != 0 or initial is None:
        log("kill test: calibration start failed (status %d):\n%s" % (code, out))
        return 2
    if MODE["whole_state"] and not any(k.startswith("drc ") for k in initial):
        log("kill test: the simulated machine's state file (%s) keeps no 'drc <index> <state>' lines, so DRCs"
            " added or removed before a restart are back to their boot state after it and nothing can be"
            " checked; this mode needs the platform's MachineStateFile (format 2) to save DRC state"
            % rt.state_file)
        return 2
    known, _ = parse_journal(rt.journal())
    code, out = rt.run(R1)
    after_r1 = rt.machine()
    code2, out2 = rt.run(R2)
    after_r2 = rt.machine()
    if code != 0 or code2 != 0:
        log("kill test: calibration requests failed:\n%s\n%s" % (out, out2))
        return 2
    effects = {}
    if MODE["whole_state"]:
        # Whole-file states: S1 after the add, S2 after the remove, which must be S0 again.
        effects = {MODE["ops"][0]: after_r1, MODE["ops"][1]: after_r2}
        if after_r1 == initial:
            log("kill test: calibration: '%s' left the state file unchanged" % R1)
            return 2
        if after_r2 != initial:
            log("kill test: calibration: '%s' does not give back the state before '%s': %s"
                % (R2, R1, diff(initial, after_r2)))
            return 2
    for d in DEVICES if not MODE["whole_state"] else []:
        k = d.replace(":", " ")
        if k not in after_r1 or k not in after_r2:
            log("kill test: the simulated machine's state file has no line '%s': this mode needs the simulator"
                " to keep that state across restarts (platform stateFile)" % k)
            return 2
        effects[(MODE["ops"][0], d)] = after_r1[k]
        effects[(MODE["ops"][1], d)] = after_r2[k]
    # The window: the two requests' time from Q to C, as measured above, plus the hand-over between them.
    reqs, order = parse_journal(rt.journal())
    ids = [rid for rid in order if rid not in known and not reqs[rid]["dry"]]
    if len(ids) < 2 or any("finished" not in reqs[rid] for rid in ids[-2:]):
        log("kill test: calibration of the window failed: journal shows %s" % ids)
        return 2
    submitted = [reqs[rid]["submitted"] for rid in ids[-2:]]
    finished = [reqs[rid]["finished"] for rid in ids[-2:]]
    busy = (finished[0] - submitted[0]) + (finished[1] - submitted[1])
    window = busy / 1000.0 * 1.15 + 0.3
    log("kill test: calibration ok; kill window %.2f s after the first request is journaled" % window)
    if not MODE["whole_state"] and initial != after_r2:
        log("kill test: note: online puts memory back as %s" % diff(initial, after_r2))

    consistent = 0
    places = {}
    failures = []
    for i in range(runs):
        seed = first_seed + i
        rng = random.Random(seed)
        before = rt.machine()
        known, _ = parse_journal(rt.journal())
        proc = rt.start(R1, R2)
        # Wait for the first request of this run in the journal, then kill after a random delay.
        started = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            reqs, _ = parse_journal(rt.journal())
            if any(rid not in known and not r["dry"] for rid, r in reqs.items()):
                started = time.monotonic()
                break
            time.sleep(0.005)
        delay = rng.uniform(0, window)
        if started is not None:
            time.sleep(max(0.0, started + delay - time.monotonic()))
        exited_before = proc.poll() is not None
        if not exited_before:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        at_kill, _ = parse_journal(rt.journal())
        # Restart: recovery runs first; the dry-run request completes only after it.
        code, out = rt.run(WAIT_FOR_RECOVERY, "hotplug:history 300")
        with open(os.path.join(work, "restart.out"), "w") as f:
            f.write(out)
        after = rt.machine()
        reqs, order = parse_journal(rt.journal())
        history = parse_history(out)
        new_ids = [rid for rid in order if rid not in known and not reqs[rid]["dry"]]
        problems = []
        # A remove killed inside its commit (the DRC release) is rolled forward by recovery: it ends
        # SUCCEEDED with every DRC released, like any other SUCCEEDED remove (pseries: S2 == S0).
        if code != 0:
            problems.append("restart failed with status %d" % code)
        expected = dict(before)
        for rid in new_ids:
            r = reqs[rid]
            if len(r["outcomes"]) != 1:
                problems.append("request %s has %d final outcomes in the journal %s" % (rid, len(r["outcomes"]),
                                                                                       r["outcomes"]))
                continue
            if history.get(rid) != r["outcomes"]:
                problems.append("request %s: journal says %s, hotplug:history shows %s" % (rid, r["outcomes"],
                                                                                          history.get(rid)))
            if r["outcomes"][0] == "SUCCEEDED":
                expected = dict(effects[r["op"]]) if MODE["whole_state"] \
                    else apply(expected, r["op"], r["targets"], effects)
            elif r["outcomes"][0] not in ("ROLLED_BACK", "ABORTED", "REJECTED", "CANCELLED"):
                problems.append("request %s ended %s: %s" % (rid, r["outcomes"][0], r["messages"][0]))
        for rid, outcomes in reqs.items():
            if rid not in new_ids and len(outcomes["outcomes"]) > 1:
                problems.append("older request %s has %d final outcomes" % (rid, len(outcomes["outcomes"])))
        if after != expected:
            problems.append("machine in between: " + diff(expected, after) + cause(reqs, new_ids, expected, after))
        place = "process had exited" if exited_before else where_killed(reqs, new_ids, at_kill)
        places[place] = places.get(place, 0) + 1
        summary = " ".join("%s:%s" % (reqs[r]["op"], reqs[r]["outcomes"][0] if reqs[r]["outcomes"] else "?")
                           for r in new_ids)
        if problems:
            failures.append(seed)
            log("run %3d seed %d kill at +%.3f s %s [%s]: INCONSISTENT: %s" % (i + 1, seed, delay, place, summary,
                                                                             "; ".join(problems)))
            # Start the next run from the boot state, so one failure does not spill into the next runs.
            rt.set_machine(initial)
        else:
            consistent += 1
            log("run %3d seed %d kill at +%.3f s %s [%s]: consistent" % (i + 1, seed, delay, place, summary))
            if MODE["whole_state"] and after != initial:
                # The add stayed (the remove did not succeed): the next run starts from S0 again, so
                # every run kills an add, as an operator would release the DRCs before the next test.
                rt.set_machine(initial)
    log("kill points: " + ", ".join("%s %d" % (k, v) for k, v in sorted(places.items())))
    if CAUSES:
        log("devices left in between, by cause: " + "; ".join("%s: %d runs" % (k, v) for k, v in sorted(CAUSES.items())))
    log("kill test: %d/%d runs consistent (seeds %d..%d%s)" % (
        consistent, runs, first_seed, first_seed + runs - 1,
        "" if not failures else "; inconsistent: " + " ".join(map(str, failures))))
    return 0 if consistent == runs else 1


if __name__ == "__main__":
    sys.exit(main())
