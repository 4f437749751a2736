package org.syshotplug.platform.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * A differential scenario: a small script of kernel file operations and expectations, run the same
 * way against the simulated machine and the live kernel. One command per line, {@code #} starts a
 * comment, {@code ${NAME}} is replaced by a variable:
 *
 * <pre>
 * read PATH              the value (trailing white space removed) becomes the last result
 * read-bytes PATH        the bytes become the last result (for ACPI tables)
 * readlink PATH          the absolute kernel path the link points to
 * list PATH              the entry names, space-separated
 * write PATH VALUE       writes VALUE (the rest of the line, as is, in one write)
 * expect [VALUE]         the last operation succeeded and gave exactly VALUE (empty if omitted)
 * expect-match REGEX     ... and its result matches REGEX entirely
 * expect-contains TEXT   ... and its result contains TEXT
 * expect-errno ERRNO     the last operation failed with ERRNO (EINVAL, EAGAIN, EBUSY...)
 * expect-checksum        the last bytes are an ACPI table whose bytes sum to zero
 * exists PATH / absent PATH
 * state NAME CPUHP-NAME  NAME := the number of the cpuhp state called CPUHP-NAME in hotplug/states
 * </pre>
 *
 * A failed operation that the next line does not expect with {@code expect-errno} fails the scenario.
 */
public final class Scenario {

    /** A scenario line that did not hold, with its file and line number. */
    public static final class Failure extends AssertionError {
        private static final long serialVersionUID = 1L;

        Failure(String where, String message, Throwable cause) {
            super(where + ": " + message, cause);
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String name;
    private final List<String> lines;

    public Scenario(String name, List<String> lines) {
        this.name = name;
        this.lines = List.copyOf(lines);
    }

    public static Scenario load(Path file) throws IOException {
        return new Scenario(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public static Scenario of(String name, String text) {
        return new Scenario(name, text.lines().toList());
    }

    public String name() {
        return name;
    }

    /** Runs every line against {@code files}; returns the transcript, throws {@link Failure} at the first miss. */
    public List<String> run(SystemFiles files) {
        Run run = new Run(files);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = name + ":" + (i + 1) + " [" + line + "]";
            run.step(where, substitute(where, line, run.variables));
        }
        run.checkNoPendingError(name + ":end");
        return run.transcript;
    }

    private static String substitute(String where, String line, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(line);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = variables.get(m.group(1));
            if (v == null) {
                throw new Failure(where, "variable ${" + m.group(1) + "} is not set", null);
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static final class Run {
        final SystemFiles files;
        final Map<String, String> variables = new HashMap<>();
        final List<String> transcript = new ArrayList<>();
        String last;
        byte[] lastBytes;
        SystemFileException error;
        boolean errorChecked = true;

        Run(SystemFiles files) {
            this.files = files;
        }

        void step(String where, String line) {
            String[] words = line.split(" ", 2);
            String command = words[0];
            String rest = words.length > 1 ? words[1] : "";
            if (!command.startsWith("expect")) {
                checkNoPendingError(where);
            }
            switch (command) {
                case "read" -> operation(where, () -> last = files.read(rest).strip());
                case "read-bytes" -> operation(where, () -> {
                    lastBytes = files.readBytes(rest);
                    last = HexFormat.of().formatHex(lastBytes);
                });
                case "readlink" -> operation(where, () -> last = files.readLink(rest));
                case "list" -> operation(where, () -> last = String.join(" ", files.list(rest)));
                case "write" -> {
                    String[] pv = rest.split(" ", 2);
                    if (pv.length < 2) {
                        throw new Failure(where, "write needs a path and a value", null);
                    }
                    operation(where, () -> {
                        files.write(pv[0], pv[1]);
                        last = null;
                    });
                }
                case "expect" -> check(where, rest.equals(succeeded(where)), "expected '" + rest + "'");
                case "expect-match" -> check(where, succeeded(where).matches(rest), "expected to match " + rest);
                case "expect-contains" -> check(where, succeeded(where).contains(rest), "expected to contain " + rest);
                case "expect-errno" -> expectErrno(where, Errno.valueOf(rest.strip()));
                case "expect-checksum" -> {
                    succeeded(where);
                    int sum = 0;
                    for (byte b : lastBytes) {
                        sum += b & 0xFF;
                    }
                    check(where, (sum & 0xFF) == 0, "bytes sum to " + (sum & 0xFF) + ", not 0");
                }
                case "exists" -> check(where, files.exists(rest), rest + " does not exist");
                case "absent" -> check(where, !files.exists(rest), rest + " exists");
                case "state" -> defineState(where, rest);
                default -> throw new Failure(where, "unknown command '" + command + "'", null);
            }
            transcript.add(where.substring(where.indexOf('[')) + (last == null ? "" : " -> " + abbreviate(last))
                    + (error == null ? "" : " -> " + error.errno()));
        }

        interface Op {
            void run() throws SystemFileException;
        }

        void operation(String where, Op op) {
            last = null;
            lastBytes = null;
            error = null;
            try {
                op.run();
            } catch (SystemFileException e) {
                error = e;
                errorChecked = false;
            }
        }

        String succeeded(String where) {
            if (error != null) {
                errorChecked = true;
                throw new Failure(where, "the operation failed: " + error.getMessage(), error);
            }
            return last == null ? "" : last;
        }

        void expectErrno(String where, Errno expected) {
            if (error == null) {
                throw new Failure(where, "expected " + expected + " but the operation succeeded"
                        + (last == null ? "" : " with '" + abbreviate(last) + "'"), null);
            }
            errorChecked = true;
            check(where, error.errno() == expected, "expected " + expected + " but got " + error.getMessage());
        }

        void checkNoPendingError(String where) {
            if (error != null && !errorChecked) {
                errorChecked = true;
                throw new Failure(where, "an operation failed and no expect-errno followed: " + error.getMessage(),
                        error);
            }
        }

        void defineState(String where, String rest) {
            String[] nv = rest.split(" ", 2);
            try {
                for (String l : files.read("/sys/devices/system/cpu/hotplug/states").split("\n")) {
                    String[] numberName = l.strip().split(": ", 2);
                    if (numberName.length == 2 && numberName[1].equals(nv[1])) {
                        variables.put(nv[0], numberName[0]);
                        last = numberName[0];
                        return;
                    }
                }
            } catch (SystemFileException e) {
                throw new Failure(where, "cannot read the cpuhp states: " + e.getMessage(), e);
            }
            throw new Failure(where, "no cpuhp state named '" + nv[1] + "'", null);
        }

        void check(String where, boolean ok, String message) {
            if (!ok) {
                throw new Failure(where, message + ", got '" + abbreviate(last) + "'", null);
            }
        }

        static String abbreviate(String s) {
            String line = s == null ? "" : s.replace("\n", "\\n");
            return line.length() > 60 ? line.substring(0, 57) + "..." : line;
        }
    }
}
