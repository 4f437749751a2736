package org.syshotplug.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCommandTest {

    @TempDir
    Path dir;

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    private LogCommand withFile(Path file) {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        context.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %logger - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(Level.INFO);
        return new LogCommand(context);
    }

    @Test
    void tailShowsTheLastLinesTheLoggersWrote() throws Exception {
        LogCommand command = withFile(dir.resolve("syshotplug.log"));
        for (int i = 1; i <= 30; i++) {
            context.getLogger("org.syshotplug.sequencer").info("request {}", i);
        }

        String tail = command.log(3, "", false, false);

        assertEquals("INFO org.syshotplug.sequencer - request 28\nINFO org.syshotplug.sequencer - request 29\n"
                + "INFO org.syshotplug.sequencer - request 30\n", tail);
        assertEquals(20, command.log(20, "", false, false).lines().count());
    }

    @Test
    void levelChangesTakeEffectAndAreListed() throws Exception {
        LogCommand command = withFile(dir.resolve("syshotplug.log"));

        assertEquals("org.syshotplug.sequencer: DEBUG (was INFO)",
                command.log(20, "debug", false, false, "org.syshotplug.sequencer"));
        context.getLogger("org.syshotplug.sequencer.internal.Sequencer").debug("now visible");

        assertTrue(command.log(1, "", false, false).contains("DEBUG org.syshotplug.sequencer.internal.Sequencer - now visible"));
        assertTrue(command.log(20, "", true, false).contains("org.syshotplug.sequencer DEBUG"));
    }

    @Test
    void badInputIsRefusedWithWhatIsAllowed() {
        LogCommand command = withFile(dir.resolve("syshotplug.log"));

        IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
                () -> command.log(20, "loud", false, false, "org.syshotplug"));
        assertEquals("unknown level 'loud': expected one of trace, debug, info, warn, error, off", level.getMessage());
        assertThrows(IllegalArgumentException.class, () -> command.log(0, "", false, false));
        assertThrows(IllegalArgumentException.class, () -> command.log(20, "info", false, false, "../etc"));
        assertThrows(IllegalArgumentException.class, () -> command.log(20, "", false, false, "org.syshotplug"));
    }

    @Test
    void helpAndAMissingFileAreOneAnswerEach() throws Exception {
        LogCommand command = withFile(dir.resolve("syshotplug.log"));
        Files.delete(dir.resolve("syshotplug.log"));

        assertTrue(command.log(20, "", false, true).startsWith("log - "));
        assertTrue(command.log(20, "", false, false).startsWith("no log file yet at "));
    }
}
