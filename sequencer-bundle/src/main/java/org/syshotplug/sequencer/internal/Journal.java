package org.syshotplug.sequencer.internal;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;

/**
 * The append-only record of every request's life, so a restart can tell what was in flight: one
 * line per event, fields separated by tabs and URL-encoded, so no value can break a line.
 *
 * <pre>
 * Q id operation force dryRun deadlineMillis origin targets parameters submittedMillis
 * S id startedMillis
 * P id phase devices                      (a phase begins; devices as resolved so far)
 * T id phase handler bundle status millis errorHandler errno overridable message
 * A id handler (key type value)*          (what an execute step left for its rollback)
 * C id outcome finishedMillis errorHandler errno overridable message
 * </pre>
 *
 * Lines are forced to disk after every execute and rollback step (what a restart must undo, or must
 * not undo twice), when commit begins (after which nothing is rolled back) and at the end of a
 * request; the other lines reach the disk with the next forced one. A torn last line (a crash
 * mid-write) is ignored on reading.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final String NONE = "-";

    private final Path file;
    private FileChannel channel;
    private boolean broken;
    // What a rewrite keeps: the lines of the last `keep` finished requests and of the unfinished ones.
    private int keep;
    private final Map<String, List<String>> openLines = new LinkedHashMap<>();
    private final ArrayDeque<List<String>> finishedLines = new ArrayDeque<>();
    private int finishedSinceRewrite;

    private Journal(Path file, int keep) {
        this.file = file;
        this.keep = keep;
    }

    /**
     * Reads what the file holds, rewrites it with only the last {@code keep} finished requests and
     * the unfinished ones, and opens it for appending.
     */
    static Journal open(Path file, int keep, List<Entry> unfinished, List<HotplugResult> finished) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<Entry> entries = Files.exists(file) ? read(wholeLines(file)) : List.of();
        List<Entry> done = entries.stream().filter(e -> e.outcome != null).toList();
        List<Entry> kept = new ArrayList<>(done.subList(Math.max(0, done.size() - keep), done.size()));
        for (Entry e : entries) {
            if (e.outcome == null) {
                unfinished.add(e);
            }
        }
        kept.forEach(e -> finished.add(e.result()));
        Journal journal = new Journal(file, keep);
        kept.forEach(e -> journal.finishedLines.add(new ArrayList<>(e.lines)));
        unfinished.forEach(e -> journal.openLines.put(e.request.id(), new ArrayList<>(e.lines)));
        synchronized (journal) {
            journal.rewrite();
        }
        return journal;
    }

    /**
     * The file's lines up to its last line end. Every record ends with one, so text after the last
     * is a record torn by a crash while it was written: dropped even where it would still parse (a
     * device list or a number cut short).
     */
    private static List<String> wholeLines(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1;
        if (end < text.length()) {
            LOG.warn("journal {}: torn last record ({} characters without a line end) ignored", file,
                    text.length() - end);
        }
        return text.substring(0, end).lines().toList();
    }

    /** How many finished requests a rewrite keeps (the history size). */
    synchronized void keep(int finishedRequests) {
        keep = finishedRequests;
    }

    /**
     * Replaces the file by one holding only what a restart needs, so the journal stays bounded:
     * written aside, forced, then moved over the old one, so a crash leaves one or the other whole.
     */
    private void rewrite() throws IOException {
        while (finishedLines.size() > keep) {
            finishedLines.removeFirst();
        }
        List<String> lines = new ArrayList<>();
        finishedLines.forEach(lines::addAll);
        openLines.values().forEach(lines::addAll);
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        Files.write(fresh, lines, StandardCharsets.UTF_8);
        try (FileChannel c = FileChannel.open(fresh, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        if (channel != null) {
            channel.close();
        }
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        finishedSinceRewrite = 0;
    }

    // ------------------------------------------------------------------ writing

    void queued(HotplugRequest r, Instant submitted) {
        StringBuilder params = new StringBuilder();
        r.parameters().forEach((k, v) -> params.append(params.length() == 0 ? "" : "&").append(encode(k))
                .append('=').append(encode(v)));
        append(false, "Q", r.id(), r.operation().word(), Boolean.toString(r.force()), Boolean.toString(r.dryRun()),
                r.deadline() == null ? NONE : Long.toString(r.deadline().toMillis()), r.origin(),
                devices(r.targets()), params.toString(), Long.toString(submitted.toEpochMilli()));
    }

    void started(String id, Instant started) {
        append(false, "S", id, Long.toString(started.toEpochMilli()));
    }

    /**
     * Only the start of commit is forced on its own: from then on a restart must not roll back. The
     * other phase lines reach the disk with the next forced line (the first execute step).
     */
    void phase(String id, Phase phase, List<DeviceRef> devices) {
        append(phase == Phase.COMMIT, "P", id, phase.name(), devices(devices));
    }

    void step(String id, StepRecord s) {
        List<String> f = new ArrayList<>(List.of("T", id, s.phase().name(), s.handler(), s.bundle(), s.status().name(),
                Long.toString(s.duration().toMillis())));
        f.addAll(error(s.error()));
        append(s.phase() == Phase.EXECUTE || s.phase() == Phase.ROLLBACK, f.toArray(String[]::new));
    }

    /** Keeps the plain values (text, numbers, booleans) an execute step left for its rollback. */
    void attributes(String id, String handler, Map<String, Object> attributes) {
        List<String> f = new ArrayList<>(List.of("A", id, handler));
        attributes.forEach((k, v) -> {
            String type = v instanceof String ? "s" : v instanceof Integer ? "i" : v instanceof Long ? "l"
                    : v instanceof Boolean ? "b" : null;
            if (type != null) {
                f.add(k);
                f.add(type);
                f.add(v.toString());
            } else {
                LOG.debug("attribute {} of {} in request {} is a {}: not journaled", k, handler, id,
                        v == null ? "null" : v.getClass().getName());
            }
        });
        if (f.size() > 3) {
            append(false, f.toArray(String[]::new));
        }
    }

    /** One plain attribute value, forced at once: a write-ahead record of what a running step is about to change. */
    void attributesNow(String id, String handler, String key, Object value) {
        String type = value instanceof String ? "s" : value instanceof Integer ? "i" : value instanceof Long ? "l"
                : value instanceof Boolean ? "b" : null;
        if (type != null) {
            append(true, "A", id, handler, key, type, value.toString());
        }
    }

    void completed(HotplugResult r) {
        List<String> f = new ArrayList<>(List.of("C", r.requestId(), r.outcome().name(),
                Long.toString(r.finished().toEpochMilli())));
        f.addAll(error(r.error()));
        append(true, f.toArray(String[]::new));
    }

    private synchronized void append(boolean force, String... fields) {
        if (broken || channel == null) {
            return;
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            line.append(i == 0 ? "" : "\t").append(encode(fields[i]));
        }
        String id = fields[1];
        if (fields[0].equals("Q")) {
            openLines.put(id, new ArrayList<>());
        }
        openLines.computeIfAbsent(id, k -> new ArrayList<>()).add(line.toString());
        line.append('\n');
        try {
            ByteBuffer bytes = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            if (force) {
                channel.force(false);
            }
            if (fields[0].equals("C")) {
                List<String> done = openLines.remove(id);
                if (done != null) {
                    finishedLines.addLast(done);
                }
                while (finishedLines.size() > keep) {
                    finishedLines.removeFirst();
                }
                if (++finishedSinceRewrite >= Math.max(keep, 64)) {
                    rewrite();
                }
            }
        } catch (IOException e) {
            // Requests keep running: a lost journal costs recovery after a crash, not the hot-plug itself.
            broken = true;
            LOG.error("journal {} cannot be written ({}); requests go on without it until restart", file, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing journal {}: {}", file, e.toString());
            }
            channel = null;
        }
    }

    private static List<String> error(HotplugError e) {
        if (e == null) {
            return List.of(NONE, NONE, NONE, NONE);
        }
        return List.of(e.handler() == null ? NONE : e.handler(), e.errno() == null ? NONE : e.errno().name(),
                Boolean.toString(e.overridable()), e.message());
    }

    private static String devices(List<DeviceRef> devices) {
        StringBuilder b = new StringBuilder();
        devices.forEach(d -> b.append(b.length() == 0 ? "" : ",").append(encode(d.toString())));
        return b.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ reading

    /** One request as the journal tells it. */
    static final class Entry {
        final HotplugRequest request;
        final List<String> lines = new ArrayList<>();
        final List<StepRecord> steps = new ArrayList<>();
        final Map<String, Map<String, Object>> attributes = new LinkedHashMap<>();
        Instant submitted;
        Instant started;
        Phase phase;
        List<DeviceRef> devices;
        Outcome outcome;
        Instant finished;
        HotplugError error;

        Entry(HotplugRequest request) {
            this.request = request;
            this.devices = request.targets();
        }

        /** The execute steps that completed and have not been undone, in the order they ran. */
        List<String> executedNotUndone() {
            List<String> executed = new ArrayList<>();
            for (StepRecord s : steps) {
                if (s.phase() == Phase.EXECUTE && s.status() == StepRecord.Status.OK) {
                    executed.add(s.handler());
                } else if (s.phase() == Phase.ROLLBACK) {
                    executed.remove(s.handler());
                }
            }
            // A step that wrote ahead but never ended was running at the crash: it may have changed part of
            // what it wrote ahead, so it is undone too (last, so first in the rollback).
            for (String handler : attributes.keySet()) {
                boolean ended = steps.stream().anyMatch(s -> s.handler().equals(handler)
                        && (s.phase() == Phase.EXECUTE || s.phase() == Phase.ROLLBACK));
                if (!ended && !executed.contains(handler)) {
                    executed.add(handler);
                }
            }
            return executed;
        }

        HotplugResult result() {
            Instant end = finished == null ? Instant.now() : finished;
            return new HotplugResult(request, outcome, devices, steps, error, started == null ? end : started, end);
        }
    }

    static List<Entry> read(List<String> lines) {
        Map<String, Entry> open = new LinkedHashMap<>();
        List<Entry> all = new ArrayList<>();
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                String[] raw = line.split("\t", -1);
                String[] f = new String[raw.length];
                for (int i = 0; i < raw.length; i++) {
                    f[i] = decode(raw[i]);
                }
                if (f[0].equals("Q")) {
                    Entry e = new Entry(request(f));
                    e.submitted = Instant.ofEpochMilli(Long.parseLong(f[9]));
                    e.lines.add(line);
                    open.put(e.request.id(), e);
                    all.add(e);
                    continue;
                }
                Entry e = open.get(f[1]);
                if (e == null) {
                    LOG.warn("journal line {} refers to unknown request {}: ignored", number, f[1]);
                    continue;
                }
                apply(e, f);
                e.lines.add(line);
                if (e.outcome != null) {
                    open.remove(f[1]);
                }
            } catch (RuntimeException ex) {
                // A crash while writing leaves a torn last line; anything else unreadable is reported.
                LOG.warn("journal line {} unreadable ({}): ignored", number, ex.toString());
            }
        }
        return all;
    }

    private static void apply(Entry e, String[] f) {
        switch (f[0]) {
            case "S" -> e.started = Instant.ofEpochMilli(Long.parseLong(f[2]));
            case "P" -> {
                e.phase = Phase.valueOf(f[2]);
                e.devices = parseDevices(f[3]);
            }
            case "T" -> e.steps.add(new StepRecord(f[3], f[4], Phase.valueOf(f[2]), e.devices,
                    Duration.ofMillis(Long.parseLong(f[6])), StepRecord.Status.valueOf(f[5]), error(f, 7)));
            case "A" -> {
                Map<String, Object> values = e.attributes.computeIfAbsent(f[2], k -> new LinkedHashMap<>());
                for (int i = 3; i + 2 < f.length; i += 3) {
                    values.put(f[i], switch (f[i + 1]) {
                        case "i" -> Integer.valueOf(f[i + 2]);
                        case "l" -> Long.valueOf(f[i + 2]);
                        case "b" -> Boolean.valueOf(f[i + 2]);
                        default -> f[i + 2];
                    });
                }
            }
            case "C" -> {
                e.finished = Instant.ofEpochMilli(Long.parseLong(f[3]));
                e.error = error(f, 4);
                e.outcome = Outcome.valueOf(f[2]);
            }
            default -> throw new IllegalArgumentException("unknown record type '" + f[0] + "'");
        }
    }

    private static HotplugError error(String[] f, int at) {
        if (f[at + 3].equals(NONE)) {
            return null;
        }
        return new HotplugError(f[at].equals(NONE) ? null : f[at], null,
                f[at + 1].equals(NONE) ? null : Errno.valueOf(f[at + 1]), Boolean.parseBoolean(f[at + 2]), f[at + 3]);
    }

    private static HotplugRequest request(String[] f) {
        HotplugRequest.Builder b = HotplugRequest.builder(Operation.parse(f[2])).id(f[1])
                .force(Boolean.parseBoolean(f[3])).dryRun(Boolean.parseBoolean(f[4])).origin(f[6])
                .targets(parseDevices(f[7]));
        if (!f[5].equals(NONE)) {
            b.deadline(Duration.ofMillis(Long.parseLong(f[5])));
        }
        if (!f[8].isEmpty()) {
            for (String pair : f[8].split("&")) {
                int eq = pair.indexOf('=');
                b.parameter(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return b.build();
    }

    private static List<DeviceRef> parseDevices(String text) {
        List<DeviceRef> out = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String d : text.split(",")) {
                out.add(DeviceRef.parse(decode(d)));
            }
        }
        return out;
    }
}
