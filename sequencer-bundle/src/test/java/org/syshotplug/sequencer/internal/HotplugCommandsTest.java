package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceInventory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.shell.Principals;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;

/** The commands run through Gogo's real parser, so option and argument binding is what a shell user gets. */
class HotplugCommandsTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
    private final ByteArrayOutputStream sessionOut = new ByteArrayOutputStream();
    private ThreadIOImpl threadIO;
    private CommandProcessorImpl processor;
    private CommandSession session;

    @BeforeEach
    void start() {
        HotplugHandler stepper = context -> {
            int i = 0;
            for (DeviceRef d : context.devices()) {
                context.progress(d, ++i, context.devices().size(), "done");
            }
        };
        Map<String, Object> stepperProps = ScriptedHandler.props("cpu-online", "execute", 400);
        stepperProps.put(HandlerProperties.DEVICES, "cpu");
        sequencer.addHandler(stepper, stepperProps);
        sequencer.addHandler(new ScriptedHandler("v", journal), ScriptedHandler.props("v", "validate", 100));
        DeviceInventory cpus = new DeviceInventory() {
            @Override
            public String deviceType() {
                return "cpu";
            }

            @Override
            public List<DeviceInfo> devices() {
                return List.of(new DeviceInfo(DeviceRef.cpu(0), "online", Map.of("node", "0")),
                        new DeviceInfo(DeviceRef.cpu(1), "offline", Map.of("node", "0")));
            }
        };
        HotplugCommands commands = new HotplugCommands(sequencer, List.of(cpus),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        processor.addCommand("hotplug", commands);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(sessionOut, true, StandardCharsets.UTF_8), System.err);
    }

    @AfterEach
    void stop() {
        session.close();
        processor.stop();
        threadIO.stop();
        sequencer.close();
    }

    @Test
    void onlineWithOptionsBuildsTheRequestAndPrintsProgressAndSteps() throws Exception {
        Object out = session.execute("hotplug:online --param zone=movable,count=2 cpu:1 cpu:2");

        String text = out.toString();
        assertTrue(text.startsWith("SUCCEEDED: online cpu:1-2 (request "), text);
        assertEquals("  [1/2] execute cpu-online cpu:1: done\n  [2/2] execute cpu-online cpu:2: done\n",
                progress.toString(StandardCharsets.UTF_8));
        HotplugRequest sent = sequencer.history(1).get(0).request();
        assertEquals(Map.of("zone", "movable", "count", "2"), sent.parameters());
        assertEquals("shell", sent.origin());
    }

    @Test
    void repeatedParamOptionsAreAllKept() throws Exception {
        session.execute("hotplug:online --param zone=movable --param count=2 cpu:1");

        assertEquals(Map.of("zone", "movable", "count", "2"), sequencer.history(1).get(0).request().parameters());
    }

    @Test
    void dryRunAndForceOptionsReachTheRequest() throws Exception {
        session.execute("hotplug:offline --force --dry-run cpu:0");

        HotplugRequest sent = sequencer.history(1).get(0).request();
        assertTrue(sent.dryRun());
        assertTrue(sent.force());
        assertEquals(List.of("validate:v"), journal.entries());
    }

    @Test
    void failedRequestThrowsCarryingTheSummary() {
        sequencer.addHandler(new ScriptedHandler("refuser", journal)
                .failingWith(HotplugException.veto(DeviceRef.cpu(0), Errno.EPERM, "cpu0 cannot be offlined")),
                ScriptedHandler.props("refuser", "validate", 400));

        RequestFailedException e = assertThrows(RequestFailedException.class,
                () -> session.execute("hotplug:offline cpu:0"));

        assertEquals(Outcome.REJECTED, e.result().outcome());
        assertTrue(e.getMessage().startsWith("REJECTED: offline cpu:0 (request "), e.getMessage());
        assertTrue(e.getMessage().contains("cpu0 cannot be offlined"), e.getMessage());
        assertEquals("", progress.toString(StandardCharsets.UTF_8), "a failure is printed once, by whoever catches it");
    }

    @Test
    void badDeviceIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.execute("hotplug:online cpu:../1"));

        assertTrue(e.getMessage().contains("cpu:../1") || e.getMessage().contains("../1"), e.getMessage());
    }

    @Test
    void handlersShowsTheChainOfEachOperationInRunOrder() throws Exception {
        String text = session.execute("hotplug:handlers").toString();

        assertTrue(text.startsWith("add:\nPHASE     PRIORITY  HANDLER"), text);
        assertTrue(text.contains("validate  100       v "), text);
        assertTrue(text.contains("execute   400       cpu-online  test.bundle  cpu"), text);
    }

    @Test
    void historyAndRequestsPrintTables() throws Exception {
        session.execute("hotplug:online cpu:1");

        String history = session.execute("hotplug:history 5").toString();
        String requests = session.execute("hotplug:requests").toString();

        assertTrue(history.startsWith("ID"), history);
        assertTrue(history.contains("SUCCEEDED  online     cpu:1"), history);
        assertTrue(history.matches("(?s).*shell +shell:\\S+ +20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+.*"), history);
        assertEquals("no request is running or queued", requests);
    }

    @Test
    void aRequestFromTheControlSocketRecordsItsPeerAndHistoryShowsIt() throws Exception {
        // What ControlServer does before it runs a client's commands.
        session.put(Principals.SESSION_VARIABLE, "uid:1000");

        session.execute("hotplug:online cpu:1");

        assertEquals("uid:1000", sequencer.history(1).get(0).request().principal());
        assertTrue(session.execute("hotplug:history").toString().matches("(?s).*shell +uid:1000 +20[0-9]{2}-.*"));
    }

    @Test
    void aRequestFromTheLocalConsoleRecordsTheUserTheRuntimeRunsAs() throws Exception {
        session.execute("hotplug:offline --dry-run cpu:0");

        assertEquals("shell:" + System.getProperty("user.name"), sequencer.history(1).get(0).request().principal());
    }

    @Test
    void outsideAGogoCommandTheLocalUserIsUsed() {
        assertEquals("shell:" + System.getProperty("user.name"),
                HotplugCommands.request(Operation.OFFLINE, false, false, "", new String[] {"cpu:1"}).principal());
    }

    @Test
    void cancelOfAnUnknownRequestFailsWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> session.execute("hotplug:cancel nosuch"));

        assertTrue(e.getMessage().contains("hotplug:requests"), e.getMessage());
    }

    @Test
    void devicesListsTheInventoryWithItsAttributeColumns() throws Exception {
        String text = session.execute("hotplug:devices cpu").toString();

        assertEquals("DEVICE  STATE    NODE\ncpu:0   online   0\ncpu:1   offline  0\n", text);
    }

    @Test
    void genericCommandsTakeRanges() throws Exception {
        session.execute("hotplug:online -q cpu:2-4 cpu:6");

        assertEquals(List.of(DeviceRef.cpu(2), DeviceRef.cpu(3), DeviceRef.cpu(4), DeviceRef.cpu(6)),
                sequencer.history(1).get(0).request().targets());
    }

    @Test
    void aDeviceAlreadyInTheStateIsReportedNotRequested() throws Exception {
        Object out = session.execute("hotplug:offline cpu:1");

        assertEquals("cpu:1 is already offline", out);
        assertTrue(sequencer.history(10).isEmpty(), "no request was made");
    }

    @Test
    void helpOptionPrintsTheHelpGeneratedFromTheDescriptors() throws Exception {
        String help = session.execute("hotplug:offline --help").toString();

        assertTrue(help.startsWith("hotplug:offline - take devices offline"), help);
        assertTrue(help.contains("--dry-run"), help);
        assertTrue(help.contains("-J, --json"), help);
        assertEquals(help, session.execute("hotplug:help hotplug:offline"));
        assertTrue(sequencer.history(10).isEmpty(), "--help runs nothing");
    }

    @Test
    void helpListsEveryCommandWithOneLine() throws Exception {
        String help = session.execute("hotplug:help").toString();

        assertTrue(help.matches("(?s).*\nhotplug:offline +take devices offline.*"), help);
        assertTrue(help.matches("(?s).*\nhotplug:history +finished requests.*"), help);
    }

    @Test
    void requestResultAndHistoryAsJsonCarryTheTableValues() throws Exception {
        JsonNode result = new ObjectMapper().readTree(session.execute("hotplug:online --json cpu:1-2").toString());
        JsonNode history = new ObjectMapper().readTree(session.execute("hotplug:history -J").toString());

        assertEquals("SUCCEEDED", result.get("outcome").asText());
        assertEquals("cpu:1-2", result.get("devices").asText());
        assertEquals("shell", result.get("origin").asText());
        assertEquals("execute", result.get("steps").get(1).get("phase").asText());
        assertEquals(result.get("id"), history.get("history").get(0).get("id"));
        assertEquals("", progress.toString(StandardCharsets.UTF_8), "--json prints no progress");
    }

    @Test
    void historyOfOneIdListsItsSteps() throws Exception {
        session.execute("hotplug:online cpu:1");
        String id = sequencer.history(1).get(0).requestId();

        String text = session.execute("hotplug:history " + id).toString();

        assertTrue(text.startsWith("id:         " + id + "\noutcome:    SUCCEEDED"), text);
        assertTrue(text.contains("validate  v "), text);
        assertTrue(text.contains("execute   cpu-online"), text);
    }

    @Test
    void historyFiltersByDeviceOutcomeAndTime() throws Exception {
        session.execute("hotplug:online cpu:1");
        session.execute("hotplug:online cpu:2");

        String byDevice = session.execute("hotplug:history -r -n --device cpu:2").toString();
        String byOutcome = session.execute("hotplug:history --outcome rolled_back").toString();
        String future = session.execute("hotplug:history --since 2999-01-01").toString();

        assertEquals(1, byDevice.lines().count(), byDevice);
        assertTrue(byDevice.contains(" cpu:2 "), byDevice);
        assertEquals("no finished request matches", byOutcome);
        assertEquals("no finished request matches", future);
        assertThrows(IllegalArgumentException.class, () -> session.execute("hotplug:history --outcome FINE"));
    }

    @Test
    void rawAndNoHeadingsListsAreForScripts() throws Exception {
        assertEquals("cpu:0 online 0\ncpu:1 offline 0\n", session.execute("hotplug:devices -r -n cpu"));
    }
}
