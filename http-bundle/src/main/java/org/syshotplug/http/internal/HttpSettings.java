package org.syshotplug.http.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated HTTP configuration. {@link #parse} refuses, with one sentence naming the property,
 * anything that would serve the API less safely than asked: a non-loopback address without TLS, a
 * missing keystore, no credentials at all.
 */
record HttpSettings(boolean enabled, String host, boolean loopback, int port, String keystore, String keystoreType,
        String keystorePassword, String keyPassword, Credentials credentials, int maxBodyBytes, int maxDevices,
        String redfishSystemId) {

    private static final Pattern SYSTEM_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** No listening, no callers: what the API is without a configuration. */
    static final HttpSettings OFF = new HttpSettings(false, "127.0.0.1", true, 0, "", "PKCS12", "", "",
            Credentials.parse(new String[0], new String[0]), 65536, 1024, "1");

    static HttpSettings parse(HttpConfiguration c) {
        Credentials credentials = Credentials.parse(c._users(), c._tokens());
        String host = c.host() == null ? "" : c.host().trim();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty: give an address to bind, e.g. 127.0.0.1");
        }
        boolean loopback;
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            loopback = all.length > 0;
            for (InetAddress a : all) {
                loopback &= a.isLoopbackAddress();
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host '" + host + "' does not resolve to an address");
        }
        if (c.port() < 0 || c.port() > 65535) {
            throw new IllegalArgumentException("port " + c.port() + " is out of range 0-65535");
        }
        String keystore = c.keystore() == null ? "" : c.keystore().trim();
        if (!keystore.isEmpty() && !Files.isReadable(Path.of(keystore))) {
            throw new IllegalArgumentException("keystore '" + keystore + "' is not a readable file");
        }
        if (c.enabled() && !loopback && keystore.isEmpty()) {
            throw new IllegalArgumentException("refusing to serve HTTP on " + host
                    + ": it is not a loopback address, so TLS is required; set keystore (and .keystorePassword) in "
                    + HttpGate.PID + ", or bind to 127.0.0.1");
        }
        if (c.enabled() && credentials.isEmpty()) {
            throw new IllegalArgumentException("no .users and no .tokens in " + HttpGate.PID
                    + ": every call is authenticated; add a line printed by bin/syshotplug-passwd");
        }
        if (c.maxBodyBytes() < 256 || c.maxBodyBytes() > 16 << 20) {
            throw new IllegalArgumentException("maxBodyBytes " + c.maxBodyBytes() + " is out of range 256-16777216");
        }
        if (c.maxDevices() < 1 || c.maxDevices() > 65536) {
            throw new IllegalArgumentException("maxDevices " + c.maxDevices() + " is out of range 1-65536");
        }
        if (!SYSTEM_ID.matcher(c.redfishSystemId()).matches()) {
            throw new IllegalArgumentException("redfishSystemId '" + c.redfishSystemId()
                    + "': expected 1-64 letters, digits or . _ -");
        }
        return new HttpSettings(c.enabled(), host, loopback, c.port(), keystore, c.keystoreType(), c._keystorePassword(),
                c._keyPassword(), credentials, c.maxBodyBytes(), c.maxDevices(), c.redfishSystemId());
    }

    boolean tls() {
        return !keystore.isEmpty();
    }

    /**
     * The configuration of Felix HTTP Jetty's PID {@code org.apache.felix.http}: this bundle is the one
     * place that decides whether and where Jetty listens.
     */
    Map<String, Object> jettyProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("org.apache.felix.http.enable", Boolean.toString(enabled && !tls()));
        p.put("org.apache.felix.https.enable", Boolean.toString(enabled && tls()));
        p.put("org.apache.felix.http.host", host);
        if (enabled) {
            p.put(tls() ? "org.osgi.service.http.port.secure" : "org.osgi.service.http.port", Integer.toString(port));
        }
        p.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        p.put("org.apache.felix.http.name", "syshotplug");
        if (enabled && tls()) {
            p.put("org.apache.felix.https.keystore", keystore);
            p.put("org.apache.felix.https.keystore.type", keystoreType);
            p.put("org.apache.felix.https.keystore.password", keystorePassword);
            p.put("org.apache.felix.https.keystore.key.password", keyPassword.isEmpty() ? keystorePassword : keyPassword);
        }
        return p;
    }
}
