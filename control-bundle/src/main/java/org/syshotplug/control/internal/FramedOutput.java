package org.syshotplug.control.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One of a connection's two output streams (stdout or stderr) as frames on the socket: a full line
 * as its lower-case kind byte, the line and a newline; text without a newline (at a flush) as the
 * upper-case kind, so the client writes exactly the bytes the command wrote.
 */
final class FramedOutput extends OutputStream {

    /** A longer run of text without a newline goes out as a partial frame instead of growing. */
    private static final int MAX_LINE = 64 * 1024;

    private final FrameSink sink;
    private final char kind;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    FramedOutput(FrameSink sink, char kind) {
        this.sink = sink;
        this.kind = kind;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (b == '\n') {
            sink.frame(kind, line.toByteArray());
            line.reset();
            return;
        }
        line.write(b);
        if (line.size() >= MAX_LINE) {
            flush();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (line.size() > 0) {
            sink.frame(Character.toUpperCase(kind), line.toByteArray());
            line.reset();
        }
        sink.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
