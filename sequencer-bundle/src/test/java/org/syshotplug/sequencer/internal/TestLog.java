package org.syshotplug.sequencer.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The log lines a piece of a test wrote: tests log through slf4j-simple into {@code target/test.log}
 * (see simplelogger.properties), so what an action logged is what that file gained while it ran.
 */
final class TestLog {

    private static final Path FILE = Path.of("target", "test.log");

    private TestLog() {
    }

    /** Runs {@code action}; its log lines are added to {@code into}. */
    static <T> T capture(List<String> into, Supplier<T> action) {
        // slf4j-simple opens (and truncates) its file when the first logger is made: do that first.
        LoggerFactory.getLogger(TestLog.class);
        long before = size();
        try {
            return action.get();
        } finally {
            into.addAll(since(before));
        }
    }

    private static long size() {
        try {
            return Files.exists(FILE) ? Files.size(FILE) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> since(long offset) {
        if (!Files.exists(FILE)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(FILE.toFile(), "r")) {
            long length = f.length();
            if (length == offset) {
                return List.of();
            }
            if (length < offset) {
                offset = 0;
            }
            byte[] added = new byte[(int) (length - offset)];
            f.seek(offset);
            f.readFully(added);
            return new String(added, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
