package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet end to end with real processes: a Mosquitto of its own (per-host users, an ACL), three
 * assembled runtimes as services ({@code bin/syshotplug run}) whose agents are configured through
 * their {@code etc/}, and a fourth as the controller, driven through its control socket.
 */
class FleetTest {

    private static final Path DISTRIBUTION = RuntimeOptions.ROOT.resolve("distribution/target/syshotplug");
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");

    record Run(int status, String out, String err) {
    }

    @TempDir
    Path work;

    private Process broker;
    private Path brokerConfig;
    private int port;
    private final Map<String, Process> services = new LinkedHashMap<>();
    private final List<Process> clients = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process p : clients) {
            p.destroyForcibly();
        }
        for (Map.Entry<String, Process> e : services.entrySet()) {
            if (e.getValue().isAlive()) {
                cli(e.getKey(), "stop");
                if (!e.getValue().waitFor(60, TimeUnit.SECONDS)) {
                    e.getValue().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
        if (broker != null) {
            broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPlanRunsOnceOnEveryHostThroughBrokerRestartsAndAgentKillsAndTheAclFencesHosts() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mosquitto")) && Files.isExecutable(Path.of("/usr/bin/mosquitto_passwd")),
                "skipped: Mosquitto is not installed (Debian package mosquitto)");
        assumeTrue(Files.isExecutable(DISTRIBUTION.resolve("bin/syshotplug")),
                "skipped: the distribution is not built at " + DISTRIBUTION + " (mvn -B -o -pl distribution -am package -DskipTests)");
        startBroker();
        for (String h : HOSTS) {
            Path home = copyDistribution(h);
            Files.writeString(home.resolve("etc/org.syshotplug.fleet.cfg"), "enabled = true\nhost = " + h
                    + "\nbroker = tcp://127.0.0.1:" + port + "\nusername = " + h + "\n.password = pw-" + h + "\nkeepAlive = 5\n");
            // Slow kernel files make "mid-request" a state the test can see: cpu2 for the broker restart, cpu1 for the kill.
            Files.writeString(home.resolve("etc/org.syshotplug.platform.cfg"),
                    "\nfaultDelays = /sys/devices/system/cpu/cpu2/online=1500 /sys/devices/system/cpu/cpu1/online=4000\n",
                    StandardOpenOption.APPEND);
        }
        Path ctl = copyDistribution("ctl");
        Files.writeString(ctl.resolve("etc/org.syshotplug.fleet.controller.cfg"), "enabled = true\nname = ctl\nbroker = tcp://127.0.0.1:"
                + port + "\nusername = ctl\n.password = pw-ctl\n");
        for (String h : List.of("h1", "h2", "h3", "ctl")) {
            startService(h);
        }
        for (String h : List.of("h1", "h2", "h3", "ctl")) {
            Run status = cli(h, "status", "--wait", "120");
            assertEquals(0, status.status(), h + " did not come up: " + status.out() + status.err());
        }
        awaitHostsOnline();

        // 4. Bad credentials are refused; host h1 cannot publish to h2's request topic, the controller can.
        assertNotEquals(0, mqttConnect("intruder", "h1", "wrong").code, "a wrong password was accepted");
        try (Mqtt h1 = mqttConnect("as-h1", "h1", "pw-h1"); Mqtt c = mqttConnect("as-ctl", "ctl", "pw-ctl")) {
            assertEquals(0, h1.code);
            assertEquals(0, c.code);
            h1.publish("syshotplug/v1/h2/request", "{\"id\":\"acl-from-h1\",\"operation\":\"offline\",\"devices\":[\"cpu:3\"],\"dryRun\":true}");
            c.publish("syshotplug/v1/h2/request", "{\"id\":\"acl-from-ctl\",\"operation\":\"offline\",\"devices\":[\"cpu:3\"],\"dryRun\":true}");
        }
        // One queue and one worker per host: once the controller's request is in h2's history, h1's would be too.
        String h2History = awaitHistory("h2", "acl-from-ctl");
        assertEquals(0, count(h2History, "acl-from-h1"), h2History);

        // 1. offline cpu:3 on all, 2 at a time.
        Run plan = cli("ctl", "-c", "hotplug:fleet run --parallel 2 --plan a offline cpu:3");
        assertEquals(0, plan.status(), plan.out() + plan.err());
        for (String h : HOSTS) {
            assertTrue(plan.out().lines().anyMatch(l -> l.startsWith(h + " ") && l.contains("SUCCEEDED")), plan.out());
            String cpus = cli(h, "-c", "hotplug:devices cpu").out();
            assertTrue(line(cpus, "cpu:3").contains("offline"), h + ": " + cpus);
        }

        // 2. The broker killed and started again while the plan runs: it completes, each host ran its request once.
        Process b = background("ctl", "hotplug:fleet run --parallel 2 --plan b offline cpu:2", "b");
        awaitRunning("h1", "cpu:2");
        broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        launchBroker();
        assertTrue(b.waitFor(120, TimeUnit.SECONDS), "plan b did not finish");
        String bOut = Files.readString(work.resolve("b.out"));
        assertEquals(0, b.exitValue(), bOut + Files.readString(work.resolve("b.err")));
        for (String h : HOSTS) {
            assertTrue(bOut.lines().anyMatch(l -> l.startsWith(h + " ") && l.contains("SUCCEEDED")), bOut);
            String history = cli(h, "-c", "hotplug:history").out();
            assertEquals(1, count(history, "b." + h), h + " ran plan b's request other than once: " + history);
        }

        // 3. An agent killed with SIGKILL during its request: the controller gets the outcome its recovery recorded.
        Process c = background("ctl", "hotplug:fleet run --hosts h1 --timeout 100 --plan c offline cpu:1", "c");
        awaitRunning("h1", "cpu:1");
        services.get("h1").destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        startService("h1");
        assertTrue(c.waitFor(120, TimeUnit.SECONDS), "plan c did not finish");
        String cOut = Files.readString(work.resolve("c.out"));
        String recovered = cli("h1", "-c", "hotplug:history").out();
        assertEquals(1, count(recovered, "c.h1"), recovered);
        String outcome = line(recovered, "c.h1").split("\\s+")[1];
        assertTrue(cOut.lines().anyMatch(l -> l.startsWith("h1 ") && l.split("\\s+")[1].equals(outcome)),
                "the controller did not report h1's recovered outcome " + outcome + ": " + cOut);
        assertEquals(outcome.equals("SUCCEEDED") ? 0 : 1, c.exitValue(), cOut);

        // The controller killed mid-plan: started again, it resumes from its journal and no host runs twice.
        Process d = background("ctl", "hotplug:fleet run --parallel 1 --plan d online cpu:2", "d");
        awaitRunning("h1", "cpu:2");
        services.get("ctl").destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        d.waitFor(30, TimeUnit.SECONDS);
        startService("ctl");
        assertEquals(0, cli("ctl", "status", "--wait", "120").status());
        awaitHostsOnline();
        Run resumed = cli("ctl", "-c", "hotplug:fleet resume d", "-c", "hotplug:fleet resume a");
        assertEquals(0, resumed.status(), resumed.out() + resumed.err());
        for (String h : HOSTS) {
            String history = cli(h, "-c", "hotplug:history -c 1000").out();
            assertEquals(1, count(history, "d." + h), h + " ran plan d's request other than once: " + history);
            assertEquals(1, count(history, "a." + h), "resuming the finished plan a sent to " + h + " again: " + history);
            assertTrue(line(cli(h, "-c", "hotplug:devices cpu").out(), "cpu:2").contains("online"), h);
        }
        // A host that does not answer in time is reported TIMED_OUT, and the plan fails.
        Run late = cli("ctl", "-c", "hotplug:fleet run --hosts h2 --timeout 1 --plan e offline cpu:1");
        assertEquals(1, late.status(), late.out() + late.err());
        assertTrue(line(late.out(), "h2").contains("TIMED_OUT"), late.out());

        String plans = cli("ctl", "-c", "hotplug:fleet plans").out();
        assertTrue(line(plans, "e").contains("failed"), plans);
        for (String id : List.of("a", "b", "d")) {
            assertTrue(line(plans, id).contains("completed"), plans);
        }
    }

    private void startBroker() throws Exception {
        Path dir = Files.createDirectories(work.resolve("broker"));
        Path passwd = dir.resolve("passwd");
        List<String> users = new ArrayList<>(HOSTS);
        users.add("ctl");
        for (String u : users) {
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/mosquitto_passwd", "-b"));
            if (!Files.exists(passwd)) {
                cmd.add("-c");
            }
            cmd.addAll(List.of(passwd.toString(), u, "pw-" + u));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("passwd.log").toFile()).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, Files.readString(dir.resolve("passwd.log")));
        }
        // Each host reads only its request topic and writes only its own answers; the controller the reverse.
        Files.writeString(dir.resolve("acl"), """
                pattern read syshotplug/v1/%u/request
                pattern write syshotplug/v1/%u/status
                pattern write syshotplug/v1/%u/result
                pattern write syshotplug/v1/%u/progress
                pattern write syshotplug/v1/%u/inventory

                user ctl
                topic read syshotplug/v1/#
                topic write syshotplug/v1/+/request
                """);
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        brokerConfig = dir.resolve("mosquitto.conf");
        Files.writeString(brokerConfig, "listener " + port + " 127.0.0.1\nallow_anonymous false\npassword_file " + passwd
                + "\nacl_file " + dir.resolve("acl") + "\npersistence true\npersistence_location " + dir + "/\n"
                + "user " + System.getProperty("user.name") + "\nlog_dest file " + dir.resolve("mosquitto.log") + "\n");
        launchBroker();
    }

    private void launchBroker() throws Exception {
        broker = new ProcessBuilder("/usr/sbin/mosquitto", "-c", brokerConfig.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("broker/stdout").toFile())).start();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                assertTrue(broker.isAlive() && System.nanoTime() < giveUp, "mosquitto did not start: "
                        + Files.readString(work.resolve("broker/stdout")));
                broker.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
    }

    private Path copyDistribution(String name) throws IOException {
        Path home = work.resolve(name);
        RuntimeOptions.copyDistribution(DISTRIBUTION, home);
        return home;
    }

    private void startService(String name) throws IOException {
        Path home = work.resolve(name);
        services.put(name, new ProcessBuilder(home.resolve("bin/syshotplug").toString(), "run")
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".service.out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".service.err").toFile())).start());
    }

    private void awaitHostsOnline() throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String hosts = "";
        while (System.nanoTime() < giveUp) {
            hosts = cli("ctl", "-c", "hotplug:fleet hosts").out();
            String seen = hosts;
            if (HOSTS.stream().allMatch(h -> line(seen, h).contains("online"))) {
                return;
            }
        }
        throw new AssertionError("the controller never saw h1, h2 and h3 online: " + hosts);
    }

    private String awaitHistory(String host, String id) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String history = "";
        while (System.nanoTime() < giveUp) {
            history = cli(host, "-c", "hotplug:history").out();
            if (count(history, id) > 0) {
                return history;
            }
        }
        throw new AssertionError(host + " never ran " + id + ": " + history);
    }

    /** Asks the host for its requests until one on the device is running (each ask is a real client). */
    private void awaitRunning(String host, String device) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < giveUp) {
            Run requests = cli(host, "-c", "hotplug:requests");
            if (requests.out().lines().anyMatch(l -> l.contains(device) && l.contains("RUNNING"))) {
                return;
            }
        }
        throw new AssertionError("no request on " + device + " ever ran on " + host);
    }

    private Process background(String name, String command, String file) throws IOException {
        Process p = new ProcessBuilder(work.resolve(name).resolve("bin/syshotplug").toString(), "-c", command)
                .redirectOutput(work.resolve(file + ".out").toFile()).redirectError(work.resolve(file + ".err").toFile()).start();
        clients.add(p);
        return p;
    }

    private Run cli(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(work.resolve(name).resolve("bin/syshotplug").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static long count(String table, String id) {
        return table.lines().filter(l -> l.startsWith(id + " ")).count();
    }

    private static String line(String table, String first) {
        return table.lines().filter(l -> l.startsWith(first + " ")).findFirst().orElse("");
    }

    /** A minimal MQTT 3.1.1 client (CONNECT, PUBLISH QoS 1): the test sees the broker's own answers. */
    private Mqtt mqttConnect(String clientId, String user, String password) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0, 60});
        string(body, clientId);
        string(body, user);
        string(body, password);
        packet(s.getOutputStream(), 0x10, body.toByteArray());
        DataInputStream in = new DataInputStream(s.getInputStream());
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        in.readUnsignedByte();
        int code = in.readUnsignedByte();
        assertEquals(0x20, type, "no CONNACK");
        return new Mqtt(s, code);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xff);
        out.writeBytes(b);
    }

    private static void packet(OutputStream out, int header, byte[] body) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(header);
        int n = body.length;
        do {
            int digit = n % 128;
            n /= 128;
            p.write(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
        p.writeBytes(body);
        out.write(p.toByteArray());
        out.flush();
    }

    record Mqtt(Socket socket, int code) implements AutoCloseable {

        /** Publishes at QoS 1 and waits for the broker's PUBACK (Mosquitto acknowledges a denied publish too, and drops it). */
        void publish(String topic, String payload) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            string(body, topic);
            body.writeBytes(new byte[] {0, 1});
            body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
            packet(socket.getOutputStream(), 0x32, body.toByteArray());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(0x40, in.readUnsignedByte(), "no PUBACK");
            in.readNBytes(3);
        }

        @Override
        public void close() throws IOException {
            socket.getOutputStream().write(new byte[] {(byte) 0xE0, 0});
            socket.close();
        }
    }
}
