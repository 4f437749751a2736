package org.syshotplug.platform.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;

/** Gogo's own parser and option handling around one command object, scope hotplug. */
public final class GogoShell implements AutoCloseable {

    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private final CommandProcessorImpl processor;
    private final CommandSession session;

    public GogoShell(Object commands) {
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        processor.addCommand("hotplug", commands);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err);
    }

    public String run(String line) throws Exception {
        Object out = session.execute(line);
        return out == null ? "" : out.toString();
    }

    @Override
    public void close() {
        session.close();
        processor.stop();
        threadIO.stop();
    }
}
