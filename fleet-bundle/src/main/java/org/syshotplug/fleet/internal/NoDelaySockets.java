package org.syshotplug.fleet.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets with Nagle's algorithm off. MQTT writes small packets back to back (a PUBACK,
 * then the result): with Nagle on, the second waits for the peer's delayed ACK, about 40 ms a hop,
 * which was most of a fleet round trip. Paho leaves the socket option alone, so we make the sockets.
 */
final class NoDelaySockets extends SocketFactory {

    static final NoDelaySockets INSTANCE = new NoDelaySockets();

    @Override
    public Socket createSocket() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = new Socket(host, port);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = new Socket(host, port, localHost, localPort);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = new Socket(host, port);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = new Socket(address, port, localAddress, localPort);
        s.setTcpNoDelay(true);
        return s;
    }

    /** For tcp:// brokers only; ssl:// keeps Paho's TLS socket factory. */
    static void apply(String broker, org.eclipse.paho.client.mqttv3.MqttConnectOptions options) {
        if (broker.startsWith("tcp://")) {
            options.setSocketFactory(INSTANCE);
        }
    }
}
