package org.syshotplug.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code syshotplug status} and {@code syshotplug stop}: ask the runtime that holds a data folder,
 * through its control socket. Exit statuses follow the LSB init-script convention where it applies
 * (status 3: not running; stop of a stopped service: 0).
 */
final class ServiceControl {

    /** How long {@code stop} waits for the process to exit after it accepted the stop. */
    static final long STOP_WAIT_SECONDS = Long.getLong("syshotplug.stop.timeout", 60);

    private final Path data;
    private final ControlClient client;
    private final PrintStream out;
    private final PrintStream err;

    ServiceControl(Path data, PrintStream out, PrintStream err) {
        this.data = data;
        this.client = new ControlClient(data);
        this.out = out;
        this.err = err;
    }

    /** 0 running (its description on stdout), 3 not running, 1 held but not answering. */
    int status(int waitSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        for (;;) {
            Optional<ControlClient.Reply> reply = client.status(out, err);
            if (reply.isPresent()) {
                return reply.get().status();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            awaitSocket(left);
        }
        long holder = holder();
        if (holder >= 0) {
            err.println("syshotplug: process " + holder + " holds " + data + " but does not answer on " + client.socket()
                    + " (still starting, or stopping)");
            return Main.EXIT_FAILED;
        }
        out.println("SysHotplug is not running on " + data);
        return Main.EXIT_NOT_STARTED;
    }

    /** Asks the service to stop and waits until its process has exited. */
    int stop() throws IOException, InterruptedException {
        Optional<ControlClient.Reply> reply = client.stop(out, err);
        if (reply.isEmpty()) {
            long holder = holder();
            if (holder >= 0) {
                err.println("syshotplug: process " + holder + " holds " + data + " but does not answer on "
                        + client.socket() + "; stop it with kill " + holder);
                return Main.EXIT_FAILED;
            }
            out.println("SysHotplug is not running on " + data);
            return Main.EXIT_OK;
        }
        if (reply.get().status() != Main.EXIT_OK) {
            return reply.get().status();
        }
        Optional<ProcessHandle> process = reply.get().pid().flatMap(ProcessHandle::of);
        if (process.isPresent()) {
            try {
                process.get().onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                err.println("syshotplug: process " + process.get().pid() + " accepted the stop but is still running after "
                        + STOP_WAIT_SECONDS + " s");
                return Main.EXIT_FAILED;
            } catch (ExecutionException e) {
                // onExit completes normally; nothing else can fail it
            }
        }
        out.println("SysHotplug stopped" + reply.get().pid().map(pid -> " (pid " + pid + ")").orElse(""));
        return Main.EXIT_OK;
    }

    /**
     * The live process the data folder's lock file names, or -1. Read, never locked: taking the lock
     * even for a moment could make a service that is starting right now fail.
     */
    private long holder() {
        long pid = OwnershipLock.holderPid(data.resolve(OwnershipLock.DATA_LOCK));
        return pid > 0 && pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
    }

    /** Waits until something is created in the data folder (the socket, usually), or the time is up. */
    private void awaitSocket(long nanos) throws IOException, InterruptedException {
        if (!Files.isDirectory(data)) {
            // Nothing to watch before the first start has made the folder.
            TimeUnit.NANOSECONDS.sleep(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(200)));
            return;
        }
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            data.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            if (Files.exists(client.socket()) && client.connect().map(ServiceControl::close).orElse(false)) {
                return;
            }
            // Bounded so a socket that exists but is not listening yet is tried again soon.
            watch.poll(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
        } catch (ClosedWatchServiceException e) {
            // closed under us: try again
        }
    }

    private static boolean close(java.nio.channels.SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // it answered; that is all we wanted to know
        }
        return true;
    }
}
