package org.syshotplug.sequencer.internal;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;
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
import org.syshotplug.spi.UndoLog;

/**
 * The append-only record of every request's life, so a restart can tell what was in flight. The
 * line format is {@link JournalCodec}'s (sequence number and CRC32C on every record); the records
 * are listed in the module README.
 *
 * <p>Durability: every record is written with one {@code write(2)} as it happens (a SIGKILL keeps
 * the page cache), but forced to the disk only where a power loss would otherwise mislead the next
 * start: before the first kernel write of an execute step (the undo plan, {@link UndoLog.Recorder#makeDurable})
 * and after a request's outcome. Forces are group commits: one covers everything appended before
 * it, and a caller that finds a force running waits for it and then needs at most one more, so
 * pipelined requests share them. The outcome force runs on the journal thread
 * ({@link #completed(HotplugResult, Runnable)}); the caller's continuation runs once it is durable.
 *
 * <p>Fail closed: a journal that cannot be created or written, or that was found damaged at start
 * (anything unreadable but a torn last record), makes {@link #refusal()} answer why state-changing
 * requests must be refused. A damaged file is moved aside intact, the requests it names as
 * unfinished are reported {@link Outcome#IN_DOUBT}, and the refusal lasts — across restarts — until
 * {@link #acknowledge(String)}.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final String VERSION = "2";
    /** Compaction starts when the file is larger than this and twice what it held after the last one. */
    static final long DEFAULT_MAX_BYTES = 1 << 20;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String REQUEST_TYPES = "QSPTAUWRC";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Makes what was written to a descriptor durable; a test double counts or fails. */
    @FunctionalInterface
    interface Forcer {
        Forcer FSYNC = FileDescriptor::sync;

        void force(FileDescriptor fd) throws IOException;
    }

    /**
     * @param keep                     finished requests kept for the history
     * @param maxBytes                 the file size above which it is compacted (when also twice its size after the last compaction)
     * @param refuseUntilAcknowledged  after damage is found, refuse state-changing requests until {@link #acknowledge}
     * @param forcer                   how a force is made (fsync)
     */
    record Options(int keep, long maxBytes, boolean refuseUntilAcknowledged, Forcer forcer) {
        static Options defaults(int keep) {
            return new Options(keep, DEFAULT_MAX_BYTES, true, Forcer.FSYNC);
        }

        Options withForcer(Forcer f) {
            return new Options(keep, maxBytes, refuseUntilAcknowledged, f);
        }

        Options withMaxBytes(long bytes) {
            return new Options(keep, bytes, refuseUntilAcknowledged, forcer);
        }

        Options withRefuseUntilAcknowledged(boolean refuse) {
            return new Options(keep, maxBytes, refuse, forcer);
        }
    }

    /** Why state-changing requests are refused: an errno and a sentence an operator can act on. */
    record Refusal(Errno errno, String message) {
    }

    /** Damage found at a start, pending an operator's acknowledgement. */
    record Damage(String aside, Instant found, String reason, List<String> inDoubt) {
    }

    /** What {@code hotplug:journal status} shows. */
    record Status(Path file, boolean writable, Refusal refusal, Damage damage, long bytes, long lastSequence,
            long forces, long compactions) {
    }

    /** What the file held at start. */
    static final class Readback {
        /** Finished requests, oldest first, at most {@code keep}. */
        final List<HotplugResult> finished = new ArrayList<>();
        /** Requests the file shows queued or running: recovery deals with them. */
        final List<Entry> unfinished = new ArrayList<>();
        /** Requests a damaged file named as unfinished: already journaled IN_DOUBT, to be reported. */
        final List<HotplugResult> inDoubt = new ArrayList<>();
    }

    /** A record as the journal keeps it in memory for compaction. */
    record Rec(String type, List<String> fields) {
    }

    private static final class Kept {
        final List<Rec> recs = new ArrayList<>();
        long bytes;
    }

    private final Path file;
    private volatile Options options;
    private final Readback readback = new Readback();
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    private final ExecutorService completions;
    private volatile BooleanSupplier othersWaiting = () -> true;

    // Guarded by this.
    private volatile FileOutputStream out;
    private long nextSeq = 1;
    private long size;
    private long sizeAfterCompaction;
    private int finishedSinceCompaction;
    private final Map<String, Kept> open = new LinkedHashMap<>();
    private final ArrayDeque<Kept> finished = new ArrayDeque<>();
    private long finishedBytes;
    /** Written under this; read without it by {@link #refusal()}, which every submit asks. */
    private volatile Damage damage;
    /** Set once the journal cannot be used; never cleared (a restart with a working journal clears it). */
    private volatile Refusal broken;

    // Group commit, guarded by forceLock.
    private final Object forceLock = new Object();
    private long appendedSeq;
    private long durableSeq;
    private boolean forcing;

    private Journal(Path file, Options options) {
        this.file = file;
        this.options = options;
        this.completions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hotplug-journal-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ------------------------------------------------------------------ opening

    /**
     * Reads what the file holds and makes it ready for appending (compacted: the last {@code keep}
     * finished requests and the unfinished ones). Never throws: a journal that cannot be used
     * answers {@link #refusal()}, and what could be read is still in {@link #readback()}.
     */
    static Journal open(Path file, Options options) {
        Journal j = new Journal(file, options);
        synchronized (j) {
            j.openLocked();
        }
        return j;
    }

    private void openLocked() {
        byte[] bytes;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (Files.isDirectory(file)) {
                throw new FileSystemException(file.toString(), null, Errno.EISDIR.text());
            }
            Files.createDirectories(parent);
            bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        } catch (IOException | RuntimeException e) {
            fail(e, "opened");
            return;
        }
        Scan scan = Scan.of(bytes);
        Model model = Model.of(scan);
        if (scan.tornFrom >= 0) {
            LOG.warn("journal {}: torn last record ({} bytes without a line end) dropped", file,
                    bytes.length - scan.tornFrom);
        }
        nextSeq = scan.lastSeq + 1;
        damage = model.damage;
        if (!model.problems.isEmpty()) {
            quarantine(bytes, scan, model);
        } else {
            List<Entry> done = model.entries.values().stream().filter(e -> e.outcome != null).toList();
            for (Entry e : done.subList(Math.max(0, done.size() - options.keep()), done.size())) {
                readback.finished.add(e.result());
                keepFinished(e.recs);
            }
            for (Entry e : model.entries.values()) {
                if (e.outcome == null) {
                    readback.unfinished.add(e);
                    Kept k = new Kept();
                    k.recs.addAll(e.recs);
                    open.put(e.request.id(), k);
                }
            }
        }
        if (broken == null) {
            try {
                compact();
            } catch (IOException | RuntimeException e) {
                fail(e, "written");
            }
        }
        if (damage != null && broken == null) {
            LOG.warn("journal {}: damage found {} ({}) is not acknowledged yet: {}", file, damage.found(),
                    damage.aside(), refusal() == null ? "requests run (refuseUntilAcknowledged=false)"
                            : "state-changing requests are refused until hotplug:journal ack");
        }
    }

    /**
     * The file cannot be trusted: it is moved aside as it is, the requests it names as unfinished
     * are written to the fresh journal as IN_DOUBT, and a damage record keeps the refusal until an
     * operator acknowledges it.
     */
    private void quarantine(byte[] bytes, Scan scan, Model model) {
        Instant now = Instant.now();
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(now));
        for (int n = 2; Files.exists(aside); n++) {
            aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(now) + "-" + n);
        }
        String first = model.problems.get(0);
        String reason = model.problems.size() + " unreadable record(s), the first " + first;
        Set<String> ids = new LinkedHashSet<>();
        model.entries.values().stream().filter(e -> e.outcome == null).forEach(e -> ids.add(e.id));
        scan.namedByBad.stream().filter(id -> !model.finishedIds().contains(id)).forEach(ids::add);
        try {
            Files.move(file, aside);
        } catch (IOException | RuntimeException e) {
            fail(e, "moved aside after damage was found in it (" + reason + ")");
            aside = file;
        }
        damage = new Damage(aside.getFileName().toString(), now, reason, List.copyOf(ids));
        LOG.error("journal {} is damaged: {}; kept intact as {}; {} request(s) it names as unfinished are IN_DOUBT: {};"
                + " check their devices, then run hotplug:journal ack{}", file, reason, aside.getFileName(), ids.size(),
                cut(ids), options.refuseUntilAcknowledged() ? " (state-changing requests are refused until then)" : "");
        List<Entry> done = model.entries.values().stream().filter(e -> e.outcome != null).toList();
        for (Entry e : done.subList(Math.max(0, done.size() - options.keep()), done.size())) {
            readback.finished.add(e.result());
            keepFinished(e.recs);
        }
        for (String id : ids) {
            Entry e = model.entries.get(id);
            Entry doubt = e != null && e.request != null ? e : Entry.placeholder(id);
            Instant end = Instant.now();
            HotplugError error = new HotplugError(null, null, Errno.EIO, false, "in doubt: the journal was damaged ("
                    + first + ") and cannot say how far this request got; the file is kept as " + aside.getFileName()
                    + "; check " + (doubt.request.origin().equals("journal") ? "the devices it changed"
                            : JournalCodec.devices(doubt.devices)) + ", then run hotplug:journal ack");
            doubt.outcome = Outcome.IN_DOUBT;
            doubt.error = error;
            doubt.finished = end;
            List<Rec> recs = new ArrayList<>();
            if (e == null || e.request == null) {
                recs.add(queuedRec(doubt.request, end));
            } else {
                e.recs.stream().filter(r -> "QSPT".contains(r.type())).forEach(recs::add);
            }
            recs.add(completedRec(doubt.result()));
            readback.inDoubt.add(doubt.result());
            keepFinished(recs);
        }
    }

    private static String cut(Set<String> ids) {
        List<String> l = new ArrayList<>(ids);
        return l.size() <= 20 ? l.toString() : l.subList(0, 20) + " and " + (l.size() - 20) + " more";
    }

    private void fail(Exception e, String verb) {
        Errno errno = errnoOf(e);
        String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        broken = new Refusal(errno, "the journal " + file + " cannot be " + verb + " (" + JournalCodec.preview(
                String.valueOf(why).getBytes(StandardCharsets.UTF_8), 0, 200)
                + "): state-changing requests are refused, reads still work; fix it and restart the runtime");
        LOG.error("{} ({})", broken.message(), errno);
        FileOutputStream o = out;
        out = null;
        if (o != null) {
            try {
                o.close();
            } catch (IOException ignored) {
                // Already failing; the refusal says so.
            }
        }
    }

    static Errno errnoOf(Exception e) {
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        }
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        }
        if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        String text = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        Errno found = Errno.fromMessage(text);
        if (found == null && text != null && text.contains("Not a directory")) {
            found = Errno.ENOTDIR;
        }
        return found == null ? Errno.EIO : found;
    }

    Readback readback() {
        return readback;
    }

    Path file() {
        return file;
    }

    // ------------------------------------------------------------------ state

    /** Why state-changing requests must be refused now, or null when they may run. */
    Refusal refusal() {
        Refusal b = broken;
        if (b != null) {
            return b;
        }
        Damage d = damage;
        if (d != null && options.refuseUntilAcknowledged()) {
            return new Refusal(Errno.EIO, "the journal was found damaged at " + d.found() + " (kept as " + d.aside()
                    + "); " + d.inDoubt().size() + " request(s) are in doubt: state-changing requests are refused"
                    + " until an operator has checked the devices and run hotplug:journal ack");
        }
        return null;
    }

    synchronized Status status() {
        return new Status(file, broken == null && out != null, refusal(), damage, size, nextSeq - 1, forces.get(),
                compactions.get());
    }

    /** Forces made so far (fsync of the journal; compactions are counted apart). */
    long forces() {
        return forces.get();
    }

    synchronized long size() {
        return size;
    }

    void options(Options next) {
        options = next;
    }

    synchronized void refuseUntilAcknowledged(boolean refuse) {
        options = options.withRefuseUntilAcknowledged(refuse);
    }

    /** How many finished requests a compaction keeps (the history size). */
    synchronized void keep(int finishedRequests) {
        options = new Options(finishedRequests, options.maxBytes(), options.refuseUntilAcknowledged(),
                options.forcer());
    }

    /**
     * Records that an operator has checked what the damage left in doubt; state-changing requests
     * run again. Durable before it returns.
     *
     * @return the damage acknowledged, or null if there was none
     * @throws IOException if the acknowledgement cannot be journaled
     */
    Damage acknowledge(String principal) throws IOException {
        Damage d;
        long seq;
        synchronized (this) {
            d = damage;
            if (d == null) {
                return null;
            }
            seq = append("K", null, List.of(principal, Long.toString(Instant.now().toEpochMilli())));
            if (seq < 0) {
                throw new IOException(broken == null ? "the journal is closed" : broken.message());
            }
            damage = null;
        }
        sync(seq);
        LOG.warn("journal damage of {} ({}) acknowledged by {}: state-changing requests run again", d.found(),
                d.aside(), principal);
        return d;
    }

    // ------------------------------------------------------------------ writing

    void queued(HotplugRequest r, Instant submitted) {
        Rec q = queuedRec(r, submitted);
        append(q.type(), r.id(), q.fields().subList(1, q.fields().size()));
    }

    private static Rec queuedRec(HotplugRequest r, Instant submitted) {
        List<String> f = new ArrayList<>(List.of(r.id(), r.operation().word(), Boolean.toString(r.force()),
                Boolean.toString(r.dryRun()), r.deadline() == null ? "" : Long.toString(r.deadline().toMillis()),
                r.origin(), r.principal(), JournalCodec.devices(r.targets()),
                Long.toString(submitted.toEpochMilli())));
        r.parameters().forEach((k, v) -> {
            f.add(k);
            f.add(v);
        });
        return new Rec("Q", f);
    }

    void started(String id, Instant started) {
        append("S", id, List.of(Long.toString(started.toEpochMilli())));
    }

    void phase(String id, Phase phase, List<DeviceRef> devices) {
        phase(id, phase, devices, List.of());
    }

    /**
     * A phase begins. For commit, {@code handlers} names the commit handlers due, in call order: a
     * restart inside commit re-runs those whose step is not journaled OK (see {@link Recovery}).
     */
    void phase(String id, Phase phase, List<DeviceRef> devices, List<String> handlers) {
        List<String> f = new ArrayList<>(List.of(phase.name(), JournalCodec.devices(devices)));
        f.addAll(handlers);
        append("P", id, f);
    }

    void step(String id, StepRecord s) {
        List<String> f = new ArrayList<>(List.of(s.phase().name(), s.handler(), s.bundle(), s.status().name(),
                Long.toString(s.duration().toMillis())));
        f.addAll(error(s.error()));
        append("T", id, f);
    }

    /** The plain values (text, numbers, booleans) an execute step left for its rollback. Not forced. */
    void attributes(String id, String handler, Map<String, Object> attributes) {
        List<String> f = new ArrayList<>(List.of(handler));
        attributes.forEach((k, v) -> {
            String type = typeOf(v);
            if (type != null) {
                f.add(k);
                f.add(type);
                f.add(v.toString());
            }
        });
        if (f.size() > 1) {
            append("A", id, f);
        }
    }

    /** One plain attribute value as it is put; written at once (a SIGKILL keeps it), forced with the next force. */
    void attributesNow(String id, String handler, String key, Object value) {
        String type = typeOf(value);
        if (type != null) {
            append("A", id, List.of(handler, key, type, value.toString()));
        }
    }

    private static String typeOf(Object v) {
        return v instanceof String ? "s" : v instanceof Integer ? "i" : v instanceof Long ? "l"
                : v instanceof Boolean ? "b" : null;
    }

    /**
     * The journal side of a handler's undo log in one request: plans appended (unforced), made
     * durable before the first kernel write, written marks appended (unforced).
     */
    UndoLog.Recorder recorder(String id, String handler) {
        return new UndoLog.Recorder() {
            @Override
            public void planned(int first, List<UndoLog.Entry> entries) {
                List<String> f = new ArrayList<>(List.of(handler, Integer.toString(first)));
                f.addAll(JournalCodec.undoGroups(entries));
                append("U", id, f);
            }

            @Override
            public void makeDurable() {
                long seq;
                synchronized (Journal.this) {
                    seq = nextSeq - 1;
                }
                Refusal r = broken;
                if (r == null) {
                    try {
                        sync(seq);
                        return;
                    } catch (IOException e) {
                        r = broken;
                    }
                }
                // No kernel write without its undo on disk: the handler's write fails, its step rolls back.
                throw new IllegalStateException("nothing written: the undo plan of " + handler
                        + " could not be made durable: " + (r == null ? "the journal is closed" : r.message()));
            }

            @Override
            public void written(int position) {
                append("W", id, List.of(handler, Integer.toString(position)));
            }

            @Override
            public void restored(int position) {
                append("R", id, List.of(handler, Integer.toString(position)));
            }
        };
    }

    /** Appends the outcome and forces it before returning. */
    void completed(HotplugResult r) {
        long seq = appendCompleted(r);
        try {
            sync(seq);
        } catch (IOException e) {
            // fail() has logged it and refuses what comes next; this result stands.
        }
    }

    /**
     * Appends the outcome and runs {@code whenDurable} once it is on disk, on the journal thread:
     * the caller goes on meanwhile, and its next force (or the next request's plan) may share this one.
     */
    void completed(HotplugResult r, Runnable whenDurable) {
        whenDurable(appendCompleted(r), whenDurable);
    }

    /**
     * Tells the journal whether requests wait behind the one finishing: then its outcome is forced on
     * the journal thread and the worker goes on; otherwise the caller forces it itself (one thread
     * hand-off less for a request on its own).
     */
    void othersWaiting(BooleanSupplier test) {
        othersWaiting = test;
    }

    /**
     * Runs {@code then} once record {@code seq} is durable (or the journal has failed): on the
     * journal thread when others wait (see {@link #othersWaiting}), else on the caller's.
     */
    void whenDurable(long seq, Runnable then) {
        if (seq < 0) {
            then.run();
            return;
        }
        if (!othersWaiting.getAsBoolean()) {
            try {
                sync(seq);
            } catch (IOException e) {
                // Logged by fail(); the caller still gets its result, and what comes next is refused.
            } finally {
                then.run();
            }
            return;
        }
        try {
            completions.execute(() -> {
                try {
                    sync(seq);
                } catch (IOException e) {
                    // Logged by fail(); the caller still gets its result, and what comes next is refused.
                } finally {
                    then.run();
                }
            });
        } catch (RejectedExecutionException closing) {
            try {
                sync(seq);
            } catch (IOException e) {
                // As above.
            } finally {
                then.run();
            }
        }
    }

    /** Waits until everything handed to {@link #whenDurable} so far has run. */
    void drain() {
        try {
            completions.submit(() -> { }).get();
        } catch (RejectedExecutionException e) {
            // Closed: close() ran them all.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Appends the outcome, unforced; returns its sequence number (-1 if the journal is not usable). */
    long appendCompleted(HotplugResult r) {
        Rec c = completedRec(r);
        return append("C", r.requestId(), c.fields().subList(1, c.fields().size()));
    }

    private static Rec completedRec(HotplugResult r) {
        List<String> f = new ArrayList<>(List.of(r.requestId(), r.outcome().name(),
                Long.toString(r.finished().toEpochMilli())));
        f.addAll(error(r.error()));
        f.add(r.machine());
        return new Rec("C", f);
    }

    /** Writes one record; returns its sequence number, or -1 when the journal is not usable. */
    private synchronized long append(String type, String id, List<String> fields) {
        FileOutputStream o = out;
        if (o == null) {
            return -1;
        }
        List<String> all = fields;
        if (id != null) {
            all = new ArrayList<>(fields.size() + 1);
            all.add(id);
            all.addAll(fields);
        }
        byte[] line = JournalCodec.line(nextSeq, type, all);
        try {
            // FileOutputStream, not a FileChannel: an interrupted handler thread must not close the journal.
            o.write(line);
        } catch (IOException e) {
            fail(e, "written");
            return -1;
        }
        long seq = nextSeq++;
        size += line.length;
        synchronized (forceLock) {
            appendedSeq = seq;
        }
        if (id != null) {
            track(type, id, all, line.length);
        }
        return seq;
    }

    /** Keeps in memory what the next compaction rewrites. Guarded by this. */
    private void track(String type, String id, List<String> fields, int bytes) {
        Kept k = open.get(id);
        if (type.equals("Q")) {
            k = new Kept();
            open.put(id, k);
        }
        if (k == null) {
            return;
        }
        k.recs.add(new Rec(type, fields));
        k.bytes += bytes;
        if (!type.equals("C")) {
            return;
        }
        open.remove(id);
        keepFinished(k.recs);
        finishedSinceCompaction++;
        long max = options.maxBytes();
        if (finishedSinceCompaction >= Math.max(options.keep(), 64) || size > max && size > 2 * sizeAfterCompaction) {
            try {
                compact();
            } catch (IOException | RuntimeException e) {
                fail(e, "compacted");
            }
        }
    }

    /** A finished request as compaction keeps it: without what only a rollback needed (undo, attributes). */
    private void keepFinished(List<Rec> recs) {
        Kept k = new Kept();
        for (Rec r : recs) {
            if (!"UWRA".contains(r.type())) {
                k.recs.add(r);
                k.bytes += 32 + r.fields().stream().mapToInt(String::length).sum();
            }
        }
        finished.addLast(k);
        finishedBytes += k.bytes;
        // Bounded by count (the history size) and by bytes, so a start never reads more than a few MiB.
        while (!finished.isEmpty() && (finished.size() > options.keep() || finishedBytes > options.maxBytes() / 2)) {
            finishedBytes -= finished.removeFirst().bytes;
        }
    }

    /**
     * Rewrites the file with only what a restart needs, written aside, forced, and moved over the
     * old one (then the folder forced), so a crash leaves one or the other whole. Guarded by this.
     */
    private void compact() throws IOException {
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        long seq = nextSeq;
        long bytes = 0;
        try (FileOutputStream f = new FileOutputStream(fresh.toFile())) {
            List<byte[]> lines = new ArrayList<>();
            lines.add(JournalCodec.line(seq++, "H", List.of(VERSION, Long.toString(Instant.now().toEpochMilli()))));
            if (damage != null) {
                List<String> x = new ArrayList<>(List.of(damage.aside(), Long.toString(damage.found().toEpochMilli()),
                        damage.reason()));
                x.addAll(damage.inDoubt());
                lines.add(JournalCodec.line(seq++, "X", x));
            }
            for (Kept k : finished) {
                for (Rec r : k.recs) {
                    lines.add(JournalCodec.line(seq++, r.type(), r.fields()));
                }
            }
            for (Kept k : open.values()) {
                for (Rec r : k.recs) {
                    lines.add(JournalCodec.line(seq++, r.type(), r.fields()));
                }
            }
            BufferedOutputStream b = new BufferedOutputStream(f, 1 << 16);
            for (byte[] l : lines) {
                b.write(l);
                bytes += l.length;
            }
            b.flush();
            options.forcer().force(f.getFD());
        }
        synchronized (forceLock) {
            boolean interrupted = false;
            while (forcing) {
                try {
                    forceLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            forcing = true;
        }
        try {
            FileOutputStream old = out;
            out = null;
            if (old != null) {
                old.close();
            }
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
            out = new FileOutputStream(file.toFile(), true);
            nextSeq = seq;
            size = bytes;
            sizeAfterCompaction = bytes;
            finishedSinceCompaction = 0;
            compactions.incrementAndGet();
        } finally {
            synchronized (forceLock) {
                forcing = false;
                appendedSeq = seq - 1;
                durableSeq = out == null ? durableSeq : seq - 1;
                forceLock.notifyAll();
            }
        }
    }

    /**
     * Makes every record up to {@code seq} durable. Group commit: if a force is running, waits for
     * it; if that did not cover {@code seq}, one waiter forces again for everyone appended so far.
     */
    void sync(long seq) throws IOException {
        if (seq < 0) {
            Refusal b = broken;
            if (b != null) {
                throw new IOException(b.message());
            }
            return;
        }
        FileOutputStream o;
        long target;
        synchronized (forceLock) {
            boolean interrupted = false;
            try {
                while (true) {
                    if (durableSeq >= seq) {
                        return;
                    }
                    if (broken != null) {
                        throw new IOException(broken.message());
                    }
                    if (!forcing) {
                        break;
                    }
                    try {
                        forceLock.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            o = out;
            if (o == null) {
                throw new IOException(broken == null ? "the journal is closed" : broken.message());
            }
            forcing = true;
            target = appendedSeq;
        }
        IOException failed = null;
        try {
            options.forcer().force(o.getFD());
            forces.incrementAndGet();
        } catch (IOException e) {
            failed = e;
        } finally {
            synchronized (forceLock) {
                forcing = false;
                if (failed == null) {
                    durableSeq = Math.max(durableSeq, target);
                }
                forceLock.notifyAll();
            }
        }
        if (failed != null) {
            synchronized (this) {
                if (broken == null) {
                    fail(failed, "forced to disk");
                }
            }
            throw failed;
        }
    }

    @Override
    public void close() {
        completions.shutdown();
        try {
            if (!completions.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("journal {}: outcomes still being forced at close", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            FileOutputStream o = out;
            out = null;
            if (o != null) {
                try {
                    o.close();
                } catch (IOException e) {
                    LOG.warn("closing journal {}: {}", file, e.toString());
                }
            }
        }
    }

    private static List<String> error(HotplugError e) {
        if (e == null) {
            return List.of("", "", "", "", "");
        }
        return List.of(e.handler() == null ? "" : e.handler(), e.device() == null ? "" : e.device().toString(),
                e.errno() == null ? "" : e.errno().name(), Boolean.toString(e.overridable()), e.message());
    }

    private static HotplugError error(String[] f, int at) {
        if (f[at + 4].isEmpty()) {
            return null;
        }
        return new HotplugError(f[at].isEmpty() ? null : f[at], f[at + 1].isEmpty() ? null : DeviceRef.parse(f[at + 1]),
                f[at + 2].isEmpty() ? null : Errno.valueOf(f[at + 2]), Boolean.parseBoolean(f[at + 3]), f[at + 4]);
    }

    // ------------------------------------------------------------------ reading

    /** The file split into records: the readable ones, and where and why the others are not. */
    private static final class Scan {
        final List<JournalCodec.Parsed> good = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final Set<String> namedByBad = new LinkedHashSet<>();
        long lastSeq;
        long tornFrom = -1;

        static Scan of(byte[] b) {
            Scan s = new Scan();
            int pos = 0;
            int lineNo = 0;
            long expect = -1;
            while (pos < b.length) {
                int nl = pos;
                while (nl < b.length && b[nl] != '\n') {
                    nl++;
                }
                if (nl == b.length) {
                    break;
                }
                lineNo++;
                try {
                    JournalCodec.Parsed p = JournalCodec.parse(b, pos, nl);
                    if (expect >= 0 && p.seq() != expect) {
                        s.problem("sequence number " + p.seq() + " where " + expect + " was due", b, pos, lineNo);
                    }
                    s.good.add(p);
                    s.lastSeq = Math.max(s.lastSeq, p.seq());
                    expect = p.seq() + 1;
                } catch (JournalCodec.Bad e) {
                    s.problem(e.getMessage(), b, pos, lineNo);
                    String id = idOf(b, pos, nl);
                    if (id != null) {
                        s.namedByBad.add(id);
                    }
                    expect = -1;
                }
                pos = nl + 1;
            }
            if (pos < b.length) {
                if (s.problems.isEmpty() && tornRecord(b, pos, expect)) {
                    s.tornFrom = pos;
                } else {
                    s.problem("an unterminated line of " + (b.length - pos) + " bytes that is not a record cut short",
                            b, pos, lineNo + 1);
                    String id = idOf(b, pos, b.length);
                    if (id != null) {
                        s.namedByBad.add(id);
                    }
                }
            }
            return s;
        }

        private void problem(String why, byte[] b, int pos, int lineNo) {
            if (problems.size() < 1000) {
                problems.add("at line " + lineNo + " (byte " + pos + "): " + why + ", starting '"
                        + JournalCodec.preview(b, pos, 40) + "'");
            }
        }

        /** A crash while a record was written leaves a beginning of the record that was due, printable, without its line end. */
        private static boolean tornRecord(byte[] b, int pos, long expect) {
            if (b.length - pos > JournalCodec.MAX_RECORD) {
                return false;
            }
            String prefix = (expect < 0 ? "" : Long.toString(expect)) + "\t";
            for (int i = pos; i < b.length; i++) {
                int c = b[i] & 0xff;
                int k = i - pos;
                if (k < prefix.length() && expect >= 0 && c != prefix.charAt(k)) {
                    return false;
                }
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return false;
                }
            }
            return true;
        }

        /** The request id an unreadable line seems to name (its third field), to report that request in doubt. */
        private static String idOf(byte[] b, int from, int to) {
            String head = new String(b, from, Math.min(to - from, 200), StandardCharsets.ISO_8859_1);
            String[] f = head.split("\t", 4);
            if (f.length >= 3 && f[1].length() == 1 && REQUEST_TYPES.contains(f[1]) && ID.matcher(f[2]).matches()) {
                return f[2];
            }
            return null;
        }
    }

    /** The readable records put together, request by request. */
    private static final class Model {
        final Map<String, Entry> entries = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        private final Map<String, List<DeviceRef>> deviceLists = new HashMap<>();
        /** Requests with an outcome record: their undo records are not read. */
        private final Set<String> finishing = new HashSet<>();
        Damage damage;

        static Model of(Scan scan) {
            Model m = new Model();
            m.problems.addAll(scan.problems);
            for (JournalCodec.Parsed p : scan.good) {
                if (p.type().equals("C") && p.fields().length > 0) {
                    m.finishing.add(p.fields()[0]);
                }
            }
            for (JournalCodec.Parsed p : scan.good) {
                try {
                    m.apply(p);
                } catch (RuntimeException e) {
                    m.problems.add("at byte " + p.offset() + ": a " + p.type() + " record whose fields do not read ("
                            + JournalCodec.preview(String.valueOf(e.getMessage()).getBytes(
                                    StandardCharsets.UTF_8), 0, 120) + ")");
                    if (p.fields().length > 0 && ID.matcher(p.fields()[0]).matches() && REQUEST_TYPES.contains(p.type())) {
                        m.entries.computeIfAbsent(p.fields()[0], Entry::new);
                    }
                }
            }
            return m;
        }

        Set<String> finishedIds() {
            Set<String> s = new LinkedHashSet<>();
            entries.values().stream().filter(e -> e.outcome != null).forEach(e -> s.add(e.id));
            return s;
        }

        private void apply(JournalCodec.Parsed p) {
            String[] f = p.fields();
            switch (p.type()) {
                case "H" -> {
                    if (!VERSION.equals(p.field(0))) {
                        throw new IllegalArgumentException("journal version " + p.field(0) + ", expected " + VERSION);
                    }
                }
                case "X" -> {
                    List<String> ids = List.of(f).subList(3, f.length);
                    damage = new Damage(f[0], Instant.ofEpochMilli(Long.parseLong(f[1])), f[2], List.copyOf(ids));
                }
                case "K" -> damage = null;
                case "Q" -> {
                    Entry e = new Entry(request(f, this::devices));
                    e.submitted = Instant.ofEpochMilli(Long.parseLong(f[8]));
                    if (entries.containsKey(e.id)) {
                        throw new IllegalArgumentException("request " + e.id + " queued twice");
                    }
                    entries.put(e.id, e);
                    e.recs.add(new Rec("Q", List.of(f)));
                }
                default -> {
                    if (!REQUEST_TYPES.contains(p.type())) {
                        throw new IllegalArgumentException("unknown record type " + p.type());
                    }
                    Entry e = entries.get(f[0]);
                    if (e == null || e.request == null) {
                        entries.computeIfAbsent(f[0], Entry::new);
                        throw new IllegalArgumentException("request " + f[0] + " has no queued record before it");
                    }
                    if (e.outcome != null) {
                        throw new IllegalArgumentException("request " + f[0] + " has a record after its outcome");
                    }
                    if ("UWRA".contains(p.type()) && finishing.contains(f[0])) {
                        // Only a rollback needs these, and this request finished: a start need not build them.
                        e.recs.add(new Rec(p.type(), List.of(f)));
                        return;
                    }
                    e.apply(p.type(), f, this::devices);
                    e.recs.add(new Rec(p.type(), List.of(f)));
                }
            }
        }

        /**
         * Device lists as parsed before: a history of large requests repeats the same few lists
         * ({@code cpu:1..1000} in every record of every request), and a start must not validate them
         * device by device each time.
         */
        private List<DeviceRef> devices(String text) {
            List<DeviceRef> d = deviceLists.get(text);
            if (d == null) {
                d = List.copyOf(JournalCodec.parseDevices(text));
                if (deviceLists.size() < 256) {
                    deviceLists.put(text, d);
                }
            }
            return d;
        }

        private static HotplugRequest request(String[] f, Function<String, List<DeviceRef>> parse) {
            HotplugRequest.Builder b = HotplugRequest.builder(Operation.parse(f[1])).id(f[0])
                    .force(Boolean.parseBoolean(f[2])).dryRun(Boolean.parseBoolean(f[3])).origin(f[5])
                    .principal(f[6]).targets(parse.apply(f[7]));
            if (!f[4].isEmpty()) {
                b.deadline(Duration.ofMillis(Long.parseLong(f[4])));
            }
            for (int i = 9; i + 1 < f.length; i += 2) {
                b.parameter(f[i], f[i + 1]);
            }
            return b.build();
        }
    }

    /** One request as the journal tells it. */
    static final class Entry {
        final String id;
        final HotplugRequest request;
        final List<Rec> recs = new ArrayList<>();
        final List<StepRecord> steps = new ArrayList<>();
        final Map<String, Map<String, Object>> attributes = new LinkedHashMap<>();
        /** Each handler's undo log as journaled: planned entries, marked written where the write was recorded. */
        final Map<String, List<UndoLog.Entry>> undo = new LinkedHashMap<>();
        Instant submitted;
        Instant started;
        Phase phase;
        List<DeviceRef> devices;
        /** The commit handlers due, in call order, as the commit phase's record names them; null when it names none. */
        List<String> commitHandlers;
        Outcome outcome;
        Instant finished;
        HotplugError error;
        String machine;

        Entry(HotplugRequest request) {
            this.id = request.id();
            this.request = request;
            this.devices = request.targets();
        }

        /** A request known only by its id: its queued record is unreadable. */
        private Entry(String id) {
            this.id = id;
            this.request = null;
            this.devices = List.of();
        }

        static Entry placeholder(String id) {
            HotplugRequest r = HotplugRequest.builder(Operation.OFFLINE).id(id).origin("journal")
                    .target(DeviceRef.of("journal", "unreadable")).build();
            Entry e = new Entry(r);
            e.devices = List.of();
            return e;
        }

        private void apply(String type, String[] f, Function<String, List<DeviceRef>> parse) {
            switch (type) {
                case "S" -> started = Instant.ofEpochMilli(Long.parseLong(f[1]));
                case "P" -> {
                    phase = Phase.valueOf(f[1]);
                    devices = parse.apply(f[2]);
                    // Journals written before commit handlers were named have none: null, not empty.
                    commitHandlers = phase == Phase.COMMIT && f.length > 3
                            ? List.copyOf(Arrays.asList(f).subList(3, f.length)) : null;
                }
                case "T" -> steps.add(new StepRecord(f[2], f[3], Phase.valueOf(f[1]), devices,
                        Duration.ofMillis(Long.parseLong(f[5])), StepRecord.Status.valueOf(f[4]), error(f, 6)));
                case "A" -> {
                    Map<String, Object> values = attributes.computeIfAbsent(f[1], k -> new LinkedHashMap<>());
                    for (int i = 2; i + 2 < f.length; i += 3) {
                        values.put(f[i], switch (f[i + 1]) {
                            case "i" -> Integer.valueOf(f[i + 2]);
                            case "l" -> Long.valueOf(f[i + 2]);
                            case "b" -> Boolean.valueOf(f[i + 2]);
                            case "s" -> f[i + 2];
                            default -> throw new IllegalArgumentException("attribute type " + f[i + 1]);
                        });
                    }
                }
                case "U" -> {
                    List<UndoLog.Entry> log = undo.computeIfAbsent(f[1], k -> new ArrayList<>());
                    int first = Integer.parseInt(f[2]);
                    if (first != log.size()) {
                        throw new IllegalArgumentException("undo entries of " + f[1] + " planned at " + first
                                + " where " + log.size() + " was next");
                    }
                    log.addAll(JournalCodec.parseUndoGroups(f, 3));
                }
                case "W", "R" -> {
                    List<UndoLog.Entry> log = undo.get(f[1]);
                    int at = Integer.parseInt(f[2]);
                    if (log == null || at < 0 || at >= log.size()) {
                        throw new IllegalArgumentException((type.equals("W") ? "written" : "restored") + " mark " + at
                                + " of " + f[1] + " was never planned");
                    }
                    UndoLog.Entry e = log.get(at);
                    log.set(at, new UndoLog.Entry(e.path(), e.value(), e.undo(),
                            type.equals("W") ? UndoLog.State.WRITTEN : UndoLog.State.RESTORED));
                }
                case "C" -> {
                    finished = Instant.ofEpochMilli(Long.parseLong(f[2]));
                    error = error(f, 3);
                    machine = f.length > 8 ? f[8] : null;
                    outcome = Outcome.valueOf(f[1]);
                }
                default -> throw new IllegalArgumentException("unknown record type '" + type + "'");
            }
        }

        /**
         * The execute steps to undo, in the order they ran: those that completed and were not
         * rolled back, then any that left an undo log or attributes but never ended (running at the
         * crash: it may have changed part of what it planned).
         */
        /** The handlers of {@code due} whose commit step is not journaled OK, in the order given. */
        List<String> commitNotDone(List<String> due) {
            List<String> left = new ArrayList<>(due);
            for (StepRecord s : steps) {
                if (s.phase() == Phase.COMMIT && s.status() == StepRecord.Status.OK) {
                    left.remove(s.handler());
                }
            }
            return left;
        }

        List<String> executedNotUndone() {
            List<String> executed = new ArrayList<>();
            for (StepRecord s : steps) {
                if (s.phase() == Phase.EXECUTE && s.status() == StepRecord.Status.OK) {
                    executed.add(s.handler());
                } else if (s.phase() == Phase.ROLLBACK) {
                    executed.remove(s.handler());
                }
            }
            Set<String> wrote = new LinkedHashSet<>(attributes.keySet());
            wrote.addAll(undo.keySet());
            for (String handler : wrote) {
                boolean ended = steps.stream().anyMatch(s -> s.handler().equals(handler)
                        && (s.phase() == Phase.EXECUTE || s.phase() == Phase.ROLLBACK));
                if (!ended && !executed.contains(handler)) {
                    executed.add(handler);
                }
            }
            return executed;
        }

        /** The undo entries the journal holds for a handler (empty if it planned none). */
        List<UndoLog.Entry> undoEntries(String handler) {
            return List.copyOf(undo.getOrDefault(handler, List.of()));
        }

        HotplugResult result() {
            Instant end = finished == null ? Instant.now() : finished;
            return new HotplugResult(request, outcome, devices, steps, error, started == null ? end : started, end,
                    machine);
        }
    }
}
