package org.syshotplug.control.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The socket's sending side: whole frames, one at a time, whichever stream writes them. */
final class FrameSink {

    private final OutputStream out;

    FrameSink(OutputStream socket) {
        this.out = new BufferedOutputStream(socket, 8192);
    }

    synchronized void frame(char kind, byte[] text) throws IOException {
        out.write(kind);
        out.write(text);
        out.write('\n');
    }

    void frame(char kind, String text) throws IOException {
        frame(kind, text.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void flush() throws IOException {
        out.flush();
    }
}
