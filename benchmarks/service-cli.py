#!/usr/bin/env python3
"""One command against a running SysHotplug service vs chcpu, as a user runs them.

Starts a copy of the distribution as a service on this host's kernel (bin/syshotplug --platform
linux run, its own data folder), then interleaves, per round with a rotating order:
  a  bin/syshotplug -c "hotplug:offline cpu:1"    (as shipped: the socat client when socat is installed)
  aj the same with SYSHOTPLUG_CLIENT=java          (the launcher's Java client: one small JVM)
  b  chcpu -d 1                                   (util-linux)
  r  bin/syshotplug -c "hotplug:devices cpu"      (read-only command, as shipped)
  j  java -version with the same JVM flags         (the JVM floor of any Java client)
CPU 1 is put back online after each a and b (untimed) and in the end. Root and a writable sysfs
only; holds /tmp/syshotplug-live.lock (fcntl) while CPU 1 is touched; never touches CPU 0.

  benchmarks/service-cli.py [--dist distribution/target/syshotplug] [--rounds 21]
"""
import argparse, fcntl, os, shutil, statistics, subprocess, sys, tempfile, time

ONLINE = "/sys/devices/system/cpu/cpu1/online"


def timed(cmd, env=None):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    ms = (time.perf_counter() - t) * 1000
    if r.returncode != 0:
        raise SystemExit("%s failed (%d): %s" % (" ".join(cmd), r.returncode, r.stderr.decode(errors="replace")))
    return ms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dist", default=os.path.join(os.path.dirname(__file__), "..", "distribution", "target", "syshotplug"))
    p.add_argument("--rounds", type=int, default=21)
    args = p.parse_args()
    if os.geteuid() != 0 or not os.access(ONLINE, os.W_OK):
        print("skipped: needs root and a writable " + ONLINE)
        return 0
    work = tempfile.mkdtemp(prefix="syshotplug-svc-")
    home = os.path.join(work, "syshotplug")
    shutil.copytree(args.dist, home, symlinks=True, ignore=shutil.ignore_patterns("data"))
    cli = [os.path.join(home, "bin", "syshotplug")]
    service = subprocess.Popen(cli + ["--platform", "linux", "run"], stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(work, "service.err"), "w"))
    flags = os.environ.get("SYSHOTPLUG_JVM", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms16m").split()
    series = {"a": [], "aj": [], "b": [], "r": [], "j": []}
    java_client = dict(os.environ, SYSHOTPLUG_CLIENT="java")
    load_before = open("/proc/loadavg").read().split()[:3]
    try:
        if subprocess.run(cli + ["status", "--wait", "180"], stdout=subprocess.DEVNULL).returncode != 0:
            raise SystemExit("the service did not start: " + open(os.path.join(work, "service.err")).read())
        steps = {
            "a": lambda: (timed(cli + ["-c", "hotplug:offline cpu:1"]), timed(cli + ["-c", "hotplug:online cpu:1"]))[0],
            "aj": lambda: (timed(cli + ["-c", "hotplug:offline cpu:1"], java_client),
                           timed(cli + ["-c", "hotplug:online cpu:1"], java_client))[0],
            "b": lambda: (timed(["chcpu", "-d", "1"]), timed(["chcpu", "-e", "1"]))[0],
            "r": lambda: timed(cli + ["-c", "hotplug:devices cpu"]),
            "j": lambda: timed(["java"] + flags + ["-version"]),
        }
        order = list(steps)
        with open("/tmp/syshotplug-live.lock", "a+") as lock:
            fcntl.lockf(lock, fcntl.LOCK_EX)
            try:
                for name in order:          # warm-up round, not counted
                    steps[name]()
                for i in range(args.rounds):
                    rotated = order[i % len(order):] + order[:i % len(order)]
                    for name in rotated:
                        series[name].append(steps[name]())
            finally:
                subprocess.run(["chcpu", "-e", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        subprocess.run(cli + ["stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            service.wait(60)
        except subprocess.TimeoutExpired:
            service.kill()
        shutil.rmtree(work, ignore_errors=True)
    load_after = open("/proc/loadavg").read().split()[:3]
    med = {k: statistics.median(v) for k, v in series.items()}
    print("rounds %d, load before %s, after %s" % (args.rounds, " ".join(load_before), " ".join(load_after)))
    names = {"a": "syshotplug -c 'hotplug:offline cpu:1' (service)", "b": "chcpu -d 1",
             "aj": "  the same, SYSHOTPLUG_CLIENT=java",
             "r": "syshotplug -c 'hotplug:devices cpu' (service)", "j": "java -version (same JVM flags)"}
    print("client: " + ("socat " + subprocess.run(["socat", "-V"], capture_output=True, text=True).stdout.split("\n")[1].split()[2]
                        if shutil.which("socat") else "the Java client (no socat on the PATH)"))
    for k in ("a", "aj", "b", "r", "j"):
        v = sorted(series[k])
        print("%-50s median %7.1f ms  min %7.1f  max %7.1f" % (names[k], med[k], v[0], v[-1]))
    print("ratio a/b %.2f   aj/b %.2f   r/b %.2f   j/b %.2f" % (med["a"] / med["b"], med["aj"] / med["b"],
                                                           med["r"] / med["b"], med["j"] / med["b"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
