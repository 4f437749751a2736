package org.syshotplug.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording (JMH's {@code -prof jfr}) spent its CPU samples, as file:line: the top
 * frames by self time, and every SysHotplug frame by the share of samples it was on the stack for.
 * Usage: {@code java -cp benchmarks.jar org.syshotplug.benchmarks.JfrHotSpots profile.jfr [top]}.
 */
public final class JfrHotSpots {

    private JfrHotSpots() {
    }

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : events) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            self.merge(where(stack.getFrames().get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : stack.getFrames()) {
                String type = f.getMethod().getType().getName();
                if (type.startsWith("org.syshotplug.") && !type.startsWith("org.syshotplug.benchmarks.")) {
                    String w = where(f);
                    if (seen.add(w)) {
                        inclusive.merge(w, 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d CPU samples%n-- top frames by self time%n", args[0], samples);
        print(self, samples, top);
        System.out.println("-- SysHotplug frames by share of samples on the stack");
        print(inclusive, samples, top);
    }

    private static void print(Map<String, Integer> counts, int samples, int top) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * en.getValue() / samples, en.getKey()));
    }

    private static String where(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        int lambda = type.indexOf("$$Lambda");
        if (lambda >= 0) {
            // a lambda's hidden class: its name ends in an address that differs from run to run
            type = type.substring(0, lambda) + "$$Lambda";
        }
        String simple = type.substring(type.lastIndexOf('.') + 1);
        String file = simple.contains("$") ? simple.substring(0, simple.indexOf('$')) : simple;
        return simple + "." + f.getMethod().getName() + " (" + file + ".java:" + f.getLineNumber() + ")";
    }
}
