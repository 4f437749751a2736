package org.syshotplug.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code hotplug:log}: the last lines of the runtime's log file, and logger levels changed while it
 * runs (until the next start; {@code etc/logback.xml} holds the lasting ones).
 */
@Component(service = LogCommand.class, property = {"osgi.command.scope=hotplug", "osgi.command.function=log"})
public class LogCommand {

    static final String HELP = """
            log - show the runtime's log file or change logger levels
            Usage: hotplug:log [-n LINES]
                   hotplug:log --level LEVEL [LOGGER]
                   hotplug:log --levels
              -n, --lines LINES    the last LINES lines of the log file (default 20)
              -l, --level LEVEL    set LOGGER (default: the root logger) to trace, debug, info, warn,
                                   error or off, until the runtime restarts
                  --levels         the loggers that have a level of their own
              -h, --help           this text
            The console shows WARN and above whatever the levels; the file takes what the loggers pass.
            """;

    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    private final LoggerContext context;

    public LogCommand() {
        this(LoggerFactory.getILoggerFactory());
    }

    LogCommand(ILoggerFactory factory) {
        if (!(factory instanceof LoggerContext logback)) {
            throw new IllegalStateException("hotplug:log needs Logback as the SLF4J provider, found "
                    + factory.getClass().getName());
        }
        this.context = logback;
    }

    @Descriptor("show the last lines of the log file, or set a logger's level until restart")
    public String log(
            @Descriptor("how many lines of the log file to show (default 20)")
            @Parameter(names = {"-n", "--lines"}, absentValue = "20") int lines,
            @Descriptor("set the level of the named logger (or the root logger): trace, debug, info, warn, error, off")
            @Parameter(names = {"-l", "--level"}, absentValue = "") String level,
            @Descriptor("list the loggers that have a level of their own")
            @Parameter(names = {"--levels"}, absentValue = "false", presentValue = "true") boolean levels,
            @Descriptor("this help")
            @Parameter(names = {"-h", "--help"}, absentValue = "false", presentValue = "true") boolean help,
            @Descriptor("the logger whose level --level sets, e.g. org.syshotplug.sequencer") String... logger)
            throws IOException {
        if (help) {
            return HELP;
        }
        if (!level.isEmpty()) {
            if (logger.length > 1) {
                throw new IllegalArgumentException("give one logger name after --level, not " + logger.length);
            }
            return setLevel(logger.length == 0 ? org.slf4j.Logger.ROOT_LOGGER_NAME : logger[0], level);
        }
        if (logger.length > 0) {
            throw new IllegalArgumentException("unexpected '" + logger[0] + "': a logger name goes with --level (see --help)");
        }
        if (levels) {
            return levels();
        }
        return tail(lines);
    }

    String setLevel(String name, String level) {
        String wanted = level.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(wanted)) {
            throw new IllegalArgumentException("unknown level '" + level + "': expected one of " + String.join(", ", LEVELS));
        }
        if (!name.equals(org.slf4j.Logger.ROOT_LOGGER_NAME) && !name.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
            throw new IllegalArgumentException("'" + name + "' is not a logger name (a Java package or class name)");
        }
        Logger target = context.getLogger(name);
        Level before = target.getEffectiveLevel();
        target.setLevel(Level.toLevel(wanted));
        return name + ": " + target.getLevel() + " (was " + before + ")";
    }

    String levels() {
        StringBuilder b = new StringBuilder();
        for (Logger l : context.getLoggerList()) {
            if (l.getLevel() != null) {
                b.append(l.getName()).append(' ').append(l.getLevel()).append('\n');
            }
        }
        return b.toString();
    }

    String tail(int lines) throws IOException {
        if (lines < 1) {
            throw new IllegalArgumentException("-n needs a positive number of lines, not " + lines);
        }
        Path file = logFile();
        if (file == null) {
            return "no log file: the configuration has no file appender (etc/logback.xml)";
        }
        if (!Files.isRegularFile(file)) {
            return "no log file yet at " + file;
        }
        Deque<String> last = new ArrayDeque<>(Math.min(lines, 4096));
        // The file may hold a line half-written in another charset; show it rather than fail.
        try (Stream<String> all = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            all.forEach(line -> {
                if (last.size() == lines) {
                    last.removeFirst();
                }
                last.addLast(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            });
        }
        return last.isEmpty() ? "" : String.join("\n", last) + "\n";
    }

    /** Where the root logger's file appender writes, or null. */
    Path logFile() {
        Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it =
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        while (it.hasNext()) {
            if (it.next() instanceof FileAppender<?> file && file.getFile() != null) {
                return Path.of(file.getFile());
            }
        }
        return null;
    }
}
