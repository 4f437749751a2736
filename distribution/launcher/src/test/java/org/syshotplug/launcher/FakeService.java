package org.syshotplug.launcher;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One connection's worth of a control socket: records the request, sends a canned answer. */
final class FakeService implements AutoCloseable {

    private final Path socket;
    private final ServerSocketChannel server;
    private final CompletableFuture<String> request = new CompletableFuture<>();

    FakeService(Path socket, String answer) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (SocketChannel c = server.accept()) {
                request.complete(new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8));
                c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                request.completeExceptionally(e);
            }
        }, "fake-service");
        t.setDaemon(true);
        t.start();
    }

    String request() throws Exception {
        return request.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
