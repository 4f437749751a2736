package org.syshotplug.rtas.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.syshotplug.api.Errno;

/**
 * The console output of tools/pseries-guest (guest-init.sh): the probes of which memory blocks the
 * guest can offline, then, in order, every DLPAR write, sysfs step, QEMU hot-plug phase and state
 * snapshot, with the errno and the DLPAR-related kernel messages of each.
 */
final class GuestRun {
    static final String BEGIN = "=====BEGIN-DIFFERENTIAL=====";
    static final String END = "=====END-DIFFERENTIAL=====";

    /** One thing the guest did: {@code WRITE} to /sys/kernel/dlpar, sysfs {@code STEP}, {@code HOTPLUG} phase, or {@code STATE} snapshot. */
    record Event(String kind, String input, Errno errno, List<String> kmsg, Map<String, String> state) {
    }

    final String kernel;
    final List<Integer> unmovableBlocks = new ArrayList<>();
    final List<Event> events = new ArrayList<>();

    private GuestRun(String kernel) {
        this.kernel = kernel;
    }

    /**
     * Only the messages of the DLPAR code itself: the page dumps of a failed offline come from the
     * memory core for any offline, and allocator and MMU lines differ between runs.
     */
    static boolean dlparMessage(String line) {
        return line.startsWith("dlpar:") || line.startsWith("pseries-hotplug-mem:") || line.startsWith("pseries-hotplug-cpu:");
    }

    static GuestRun parse(String console) {
        String text = console.replace("\r\n", "\n");
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the console output has no complete " + BEGIN + " ... " + END + " section");
        }
        return parseLines(text.substring(begin + BEGIN.length(), end).split("\n", -1), null);
    }

    /** The WRITE lines of the first guest run's probe log (fixtures/pseries/guest-dlpar-probes.log). */
    static GuestRun parseProbeLog(String log) {
        return parseLines(log.replace("\r\n", "\n").split("\n", -1), "6.1.0-50-powerpc64le");
    }

    private static GuestRun parseLines(String[] lines, String kernel) {
        GuestRun run = kernel == null ? null : new GuestRun(kernel);
        Map<String, Map<String, String>> states = new LinkedHashMap<>();
        String lastState = null;
        Event open = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("### ") && kernel != null) {
                // The probe log goes on with the QEMU hot-plug phase, which it records in another form.
                if (line.startsWith("### after")) {
                    break;
                }
            } else if (line.startsWith("UNAME ")) {
                run = new GuestRun(line.substring(6).strip());
            } else if (line.startsWith("PROBE ")) {
                String[] kv = line.substring(6).split(" offline=", 2);
                if (!kv[1].strip().equals("ok")) {
                    run.unmovableBlocks.add(Integer.parseInt(kv[0].substring("memory".length())));
                }
            } else if (line.startsWith("WRITE [") || line.startsWith("STEP [")) {
                String entry = line;
                while (!entry.contains("] -> rc=") && i + 1 < lines.length) {
                    entry = entry + "\n" + lines[++i];
                }
                String kind = entry.startsWith("WRITE") ? "WRITE" : "STEP";
                String input = entry.substring(entry.indexOf('[') + 1, entry.lastIndexOf("] -> rc="));
                String tail = entry.substring(entry.lastIndexOf("] -> rc=") + 8);
                boolean ok = tail.startsWith("0 ");
                Errno errno = ok ? null : Errno.fromMessage(tail);
                open = new Event(kind, input, errno, new ArrayList<>(), Map.of());
                run.events.add(open);
                lastState = null;
            } else if (line.startsWith("HOTPLUG ")) {
                open = new Event("HOTPLUG", line.substring(8).strip(), null, new ArrayList<>(), Map.of());
                run.events.add(open);
                lastState = null;
            } else if (line.startsWith("    kmsg: ") && open != null) {
                String message = line.substring(10);
                if (dlparMessage(message)) {
                    open.kmsg().add(message);
                }
            } else if (line.startsWith("STATE ")) {
                String[] parts = line.substring(6).split(" ", 2);
                String[] kv = parts[1].split("=", 2);
                if (!parts[0].equals(lastState)) {
                    Map<String, String> state = new LinkedHashMap<>();
                    states.put(parts[0], state);
                    run.events.add(new Event("STATE", parts[0], null, List.of(), state));
                    lastState = parts[0];
                }
                states.get(parts[0]).put(kv[0], normalize(kv[0], kv[1]));
                open = null;
            }
        }
        if (run == null) {
            throw new IllegalArgumentException("no UNAME line in the guest output");
        }
        return run;
    }

    /** Lists whose order is the shell's glob order are compared as sorted sets. */
    static String normalize(String key, String value) {
        String v = value.strip();
        if (key.equals("memory-blocks") || key.equals("cpu-nodes")) {
            return String.join(" ", new TreeSet<>(List.of(v.isEmpty() ? new String[0] : v.split("\\s+"))));
        }
        return v.replaceAll("\\s+", " ");
    }
}
