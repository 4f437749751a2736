package org.syshotplug.sequencer.internal;

import java.util.List;

/** Helpers for tests that write journal bytes by hand. */
final class JournalFiles {

    private JournalFiles() {
    }

    /** The beginning of the record that was due after {@code lines}: what a crash while writing it leaves. */
    static String tornDue(List<String> lines, String rest) {
        String last = lines.get(lines.size() - 1);
        long seq = Long.parseLong(last.substring(0, last.indexOf('\t')));
        return (seq + 1) + "\t" + rest;
    }

    /** The first line holding {@code part}. */
    static String lineWith(List<String> lines, String part) {
        return lines.stream().filter(l -> l.contains(part)).findFirst()
                .orElseThrow(() -> new AssertionError("no journal line with " + part + " in " + lines));
    }
}
