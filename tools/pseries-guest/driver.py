#!/usr/bin/env python3
"""Boots the differential guest under qemu-system-ppc64 -machine pseries (TCG) and drives the
QEMU monitor: after the guest's DLPAR probes it hot-plugs a 512 MiB DIMM and CPU core 2, then
unplugs both. Writes the guest console to OUT/guest-console.log and the monitor dialogue to
OUT/monitor.log. Exit 0 when the guest reached its end marker, 1 otherwise."""
import argparse, gzip, io, os, socket, stat, subprocess, sys, time


def newc(entries):
    """A gzip'ed cpio 'newc' archive of (name, mode, data) entries, as the kernel unpacks an initramfs."""
    out = io.BytesIO()
    ino = 1
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.write(hdr.encode() + nb)
        out.write(b"\0" * ((4 - (110 + len(nb)) % 4) % 4))
        out.write(data)
        out.write(b"\0" * ((4 - len(data) % 4) % 4))
        ino += 1
    return gzip.compress(out.getvalue(), 6)


def main():
    ap = argparse.ArgumentParser()
    for a in ("kernel", "busybox", "init", "scenarios", "out"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--timeout", type=int, default=150)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    d = stat.S_IFDIR | 0o755
    f = stat.S_IFREG
    files = [("bin", d, b""), ("proc", d, b""), ("sys", d, b""), ("dev", d, b""), ("tmp", d, b""),
             ("bin/busybox", f | 0o755, open(args.busybox, "rb").read()),
             ("init", f | 0o755, open(args.init, "rb").read()),
             ("scenarios.txt", f | 0o644, open(args.scenarios, "rb").read()),
             ("scenarios-hotplug.txt", f | 0o644,
              open(os.path.join(os.path.dirname(args.scenarios), "scenarios-hotplug.txt"), "rb").read())]
    initrd = os.path.join(args.out, "initramfs.cpio.gz")
    open(initrd, "wb").write(newc(files))
    sock = os.path.join(args.out, "mon.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    console_path = os.path.join(args.out, "guest-console.log")
    console = open(console_path, "wb")
    monlog = open(os.path.join(args.out, "monitor.log"), "w")
    cmd = ["qemu-system-ppc64", "-machine", "pseries", "-m", "2G,slots=4,maxmem=8G", "-smp", "2,maxcpus=8",
           "-object", "memory-backend-ram,id=m1,size=512M", "-device", "pc-dimm,id=dimm1,memdev=m1",
           "-kernel", args.kernel, "-initrd", initrd,
           "-append", "console=hvc0 rdinit=/init quiet loglevel=4", "-nographic", "-no-reboot",
           "-monitor", "unix:" + sock + ",server,nowait"]
    monlog.write("$ " + " ".join(cmd) + "\n")
    qemu = subprocess.Popen(cmd, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.time() + args.timeout

    def wait_for(marker):
        while time.time() < deadline:
            if marker in open(console_path, "rb").read():
                return True
            if qemu.poll() is not None:
                return False
            time.sleep(0.2)
        return False

    def monitor(commands):
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        s.settimeout(5)
        banner = b""
        while b"(qemu)" not in banner:
            banner += s.recv(4096)
        for c in commands:
            s.sendall((c + "\n").encode())
            reply = b""
            while reply.count(b"(qemu)") < 1:
                reply += s.recv(4096)
            monlog.write("(qemu) " + c + "\n" + reply.decode(errors="replace") + "\n")
            monlog.flush()
        s.close()

    ok = False
    try:
        if wait_for(b"READY-FOR-HOTPLUG"):
            monitor(["object_add memory-backend-ram,id=m2,size=512M", "device_add pc-dimm,id=dimm2,memdev=m2",
                     "device_add power9_v2.0-spapr-cpu-core,id=core2,core-id=2"])
            if wait_for(b"READY-FOR-UNPLUG"):
                monitor(["device_del dimm2", "device_del core2"])
                ok = wait_for(b"=====END-DIFFERENTIAL=====")
    finally:
        try:
            qemu.wait(timeout=max(1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            qemu.kill()
            qemu.wait()
        console.close()
        monlog.close()
    print("guest %s; console in %s" % ("finished" if ok else "did NOT finish", console_path))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
