package org.syshotplug.shell;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Progress;

/**
 * Submits a request from a shell command and waits for its result, printing progress lines on the
 * command's own thread (so they reach that shell session) while a request on more than one device
 * runs. A large request prints about ten lines per handler, not one per device.
 */
public final class RequestRunner {

    /** Up to this many devices, every device's progress is shown. */
    static final int EVERY_DEVICE_UP_TO = 16;
    private static final Object DONE = new Object();

    private RequestRunner() {
    }

    /**
     * Runs the request; {@code out} null (or a single-device request) prints no progress.
     *
     * @throws IllegalStateException when the wait is interrupted (the request goes on) or the
     *         sequencer itself failed
     */
    public static HotplugResult run(HotplugService service, HotplugRequest request, PrintStream out) {
        BlockingQueue<Object> reports = new LinkedBlockingQueue<>();
        boolean show = out != null && (request.targets().size() > 1 || request.targets().stream().anyMatch(d -> d.isWildcard()));
        Promise<HotplugResult> promise = show ? service.submit(request, reports::add) : service.submit(request);
        promise.onResolve(() -> reports.add(DONE));
        Map<String, Integer> lastTenth = new HashMap<>();
        try {
            for (Object report = reports.take(); report != DONE; report = reports.take()) {
                if (report instanceof Progress p) {
                    String line = line(p, lastTenth);
                    if (line != null) {
                        out.println(line);
                        out.flush();
                    }
                }
            }
            return promise.getValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped waiting for request " + request.id()
                    + "; it goes on running: see hotplug:requests and hotplug:history", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("request " + request.id() + " failed inside the sequencer: "
                    + e.getCause(), e.getCause());
        }
    }

    /**
     * {@code out} when a person is watching (the runtime has a terminal), else null: a script that
     * pipes {@code bin/syshotplug -c} gets the result without progress lines.
     */
    public static PrintStream whenInteractive(PrintStream out) {
        return System.console() != null ? out : null;
    }

    /** The line for one report, or null when a large request already showed this tenth. */
    static String line(Progress p, Map<String, Integer> lastTenth) {
        if (p.total() > EVERY_DEVICE_UP_TO) {
            int tenth = (int) (10L * p.done() / p.total());
            String key = p.phase() + "/" + p.handler();
            Integer last = lastTenth.put(key, tenth);
            if (last != null && last == tenth && p.done() != p.total()) {
                return null;
            }
        }
        StringBuilder b = new StringBuilder("  [");
        b.append(p.total() > 0 ? p.done() + "/" + p.total() : Integer.toString(p.done())).append("] ")
                .append(p.phase().word()).append(' ').append(p.handler());
        if (p.device() != null) {
            b.append(' ').append(p.device());
        }
        if (p.message() != null && !p.message().isBlank()) {
            b.append(": ").append(p.message().replaceAll("\\p{Cc}", " "));
        }
        return b.toString();
    }
}
