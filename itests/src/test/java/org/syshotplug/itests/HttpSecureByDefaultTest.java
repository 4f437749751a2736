package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.syshotplug.launcher.SysHotplugRuntime;

/**
 * HTTP is off until configured, refuses a non-loopback address without TLS with one clear line, and
 * serves HTTPS from a configured keystore (on loopback: tests bind nothing else).
 */
class HttpSecureByDefaultTest {

    @Test
    void withoutConfigurationJettyWaitsAndNoPortOpens(@TempDir Path data) throws Exception {
        try (SysHotplugRuntime runtime = SysHotplugRuntime.start(HttpRuntime.builder(data).build())) {
            Bundle jetty = Arrays.stream(runtime.bundleContext().getBundles())
                    .filter(b -> "org.apache.felix.http.jetty12".equals(b.getSymbolicName())).findFirst().orElseThrow();
            assertEquals(Bundle.ACTIVE, jetty.getState());
            assertNull(runtime.bundleContext().getServiceReference(HttpRuntime.HTTP_RUNTIME), "Jetty is not listening");
        }
    }

    @Test
    void aNonLoopbackAddressWithoutKeystoreIsRefusedWithOneClearMessage(@TempDir Path data) throws Exception {
        String refusal = "refusing to serve HTTP on 0.0.0.0: it is not a loopback address, so TLS is required";
        CountDownLatch refused = new CountDownLatch(1);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream original = System.err;
        // A Pax Exam test earlier in this JVM may have pointed slf4j-simple at its log file through a
        // system property; this runtime's slf4j-simple reads it when it starts, so set it back to stderr.
        String logFile = System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // The refusal is an ERROR line on purpose; the test keeps it off the build output.
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public synchronized void write(int b) {
                seen.write(b);
                String text = seen.toString(StandardCharsets.UTF_8);
                if (b == '\n' && text.contains(refusal)) {
                    refused.countDown();
                }
            }
        }, true, StandardCharsets.UTF_8));
        try (SysHotplugRuntime runtime = SysHotplugRuntime.start(HttpRuntime.builder(data)
                .configuration(HttpRuntime.PID, config(Map.of("host", "0.0.0.0"))).build())) {
            assertTrue(refused.await(30, TimeUnit.SECONDS), "the refusal was logged: " + seen);
            assertNull(runtime.bundleContext().getServiceReference(HttpRuntime.HTTP_RUNTIME), "Jetty is not listening");
        } finally {
            System.setErr(original);
            if (logFile == null) {
                System.clearProperty("org.slf4j.simpleLogger.logFile");
            } else {
                System.setProperty("org.slf4j.simpleLogger.logFile", logFile);
            }
        }
        String line = Arrays.stream(seen.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> l.contains(refusal))
                .findFirst().orElseThrow();
        assertTrue(line.contains("set keystore"), line);
        assertTrue(!seen.toString(StandardCharsets.UTF_8).contains("\tat "), "no stack trace: " + seen);
    }

    @Test
    void aKeystoreMakesItServeHttpsOnly(@TempDir Path data) throws Exception {
        Path keystore = data.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "itest-secret")
                .redirectErrorStream(true).start();
        String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), keytoolOutput);

        try (HttpRuntime http = HttpRuntime.start(data.resolve("runtime"), Map.of("keystore", keystore.toString(),
                ".keystorePassword", "itest-secret"))) {
            assertEquals("https", http.base.getScheme(), http.base.toString());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (var in = java.nio.file.Files.newInputStream(keystore)) {
                trust.load(in, "itest-secret".toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyStore certs = KeyStore.getInstance("PKCS12");
            certs.load(null, null);
            certs.setCertificateEntry("server", (X509Certificate) trust.getCertificate("server"));
            tmf.init(certs);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(http.base.resolve("api/v1/devices/cpu"))
                    .header("Authorization", HttpRuntime.basic(HttpRuntime.VIEWER, HttpRuntime.PASSWORD)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            List<String> endpoints = List.of(String.valueOf(http.base));
            assertTrue(endpoints.stream().noneMatch(e -> e.startsWith("http:")), endpoints.toString());
            URI plain = URI.create("http://" + http.base.getHost() + ":" + http.base.getPort() + "/api/v1/devices/cpu");
            assertTrue(plainFails(plain), "the TLS port does not answer plain HTTP");
        }
    }

    private static boolean plainFails(URI uri) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 400;
        } catch (Exception e) {
            return true;
        }
    }

    private static Map<String, Object> config(Map<String, Object> extra) throws Exception {
        Map<String, Object> c = new HashMap<>(Map.of("enabled", true, "port", 0,
                ".users", new String[] {HttpRuntime.userLine(HttpRuntime.OPERATOR, "operator")}));
        c.putAll(extra);
        return c;
    }
}
