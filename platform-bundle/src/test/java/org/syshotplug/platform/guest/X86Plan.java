package org.syshotplug.platform.guest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The differential's steps (test resource {@code x86-guest/plan.txt}); the format is described at its top. */
record X86Plan(List<Step> steps) {

    /** One command of a step: {@code hmp}, {@code write}, {@code await-ost} or {@code probe-offline}. */
    record Command(String verb, String argument, String value) {
        @Override
        public String toString() {
            return value == null ? verb + " " + argument : verb + " " + argument + " \"" + value + "\"";
        }
    }

    record Step(String name, List<Command> commands) {
    }

    static X86Plan load() throws IOException {
        return load("offline");
    }

    /** The plan for a boot with this {@code memhp_default_state}: {@code plan.txt} for offline, else {@code plan-<state>.txt}. */
    static X86Plan load(String memhpDefaultState) throws IOException {
        String name = memhpDefaultState.equals("offline") ? "plan.txt" : "plan-" + memhpDefaultState + ".txt";
        try (InputStream in = X86Plan.class.getResourceAsStream("/x86-guest/" + name)) {
            if (in == null) {
                throw new IOException("no test resource x86-guest/" + name);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static X86Plan parse(String text) {
        List<Step> steps = new ArrayList<>();
        List<Command> current = null;
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split(" ", 2);
            String rest = words.length > 1 ? words[1].strip() : "";
            if (words[0].equals("step")) {
                current = new ArrayList<>();
                steps.add(new Step(rest, current));
                continue;
            }
            if (current == null) {
                throw new IllegalArgumentException("line " + lineNo + ": '" + line + "' comes before the first step");
            }
            switch (words[0]) {
                case "hmp", "await-ost", "probe-offline" -> current.add(new Command(words[0], rest, null));
                case "write" -> {
                    String[] pv = rest.split(" ", 2);
                    if (pv.length < 2) {
                        throw new IllegalArgumentException("line " + lineNo + ": write needs a path and a value");
                    }
                    String value = pv[1];
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    current.add(new Command("write", pv[0], value));
                }
                default -> throw new IllegalArgumentException("line " + lineNo + ": unknown verb '" + words[0]
                        + "' (allowed: step, hmp, write, await-ost, probe-offline)");
            }
        }
        return new X86Plan(List.copyOf(steps));
    }
}
