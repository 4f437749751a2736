package org.syshotplug.cpu.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One line of {@code /sys/devices/system/cpu/hotplug/states}: a cpuhp state number and its name. */
record CpuhpState(int number, String name) {

    private static final Pattern LINE = Pattern.compile("\\s*(\\d{1,5}):\\s*(\\S.*?)\\s*");

    /** Parses the table; lines that do not have the {@code N: name} form are skipped, not guessed at. */
    static List<CpuhpState> parseTable(String text) {
        List<CpuhpState> states = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                states.add(new CpuhpState(Integer.parseInt(m.group(1)), m.group(2)));
            }
        }
        return states;
    }
}
