package org.syshotplug.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.agent.HostAgent;

/** Platform mode {@code agent}: the selector enables only the agent component, which serves the agent's kernel files. */
class AgentPlatformTest {

    @TempDir
    Path sandbox;

    @Test
    void agentModeEnablesOnlyTheAgentComponentAndLeavingItDisablesIt() {
        List<String> calls = new ArrayList<>();
        PlatformModeSelector selector = new PlatformModeSelector();

        selector.apply(PlatformComponentsTest.recording(calls), PlatformComponentsTest.config(Map.of("mode", "agent", "agentSocket", "/run/g/agent.sock")));
        selector.apply(PlatformComponentsTest.recording(calls), PlatformComponentsTest.config(Map.of("mode", "agent", "agentSocket", "/run/h/agent.sock")));

        assertEquals(List.of("disableComponent " + LinuxPlatform.NAME, "disableComponent " + SimulatedPlatform.NAME,
                "enableComponent " + AgentPlatform.NAME, "disableComponent " + LinuxPlatform.NAME,
                "disableComponent " + SimulatedPlatform.NAME), calls);
        calls.clear();

        selector.apply(PlatformComponentsTest.recording(calls), PlatformComponentsTest.config(Map.of("mode", "linux")));

        assertEquals(List.of("disableComponent " + AgentPlatform.NAME, "disableComponent " + SimulatedPlatform.NAME,
                "enableComponent " + LinuxPlatform.NAME), calls);
    }

    @Test
    void agentModeWithoutSocketRegistersNothing() {
        List<String> calls = new ArrayList<>();

        new PlatformModeSelector().apply(PlatformComponentsTest.recording(calls), PlatformComponentsTest.config(Map.of("mode", "agent")));

        assertEquals(List.of("disableComponent " + LinuxPlatform.NAME, "disableComponent " + SimulatedPlatform.NAME),
                calls);
    }

    @Test
    void agentPlatformServesTheAgentsFilesUntilDeactivated() throws Exception {
        Path root = sandbox.resolve("root");
        Files.createDirectories(root.resolve("sys/devices/system/cpu"));
        Files.writeString(root.resolve("sys/devices/system/cpu/possible"), "0-3\n");
        try (HostAgent agent = HostAgent.serve(root, sandbox.resolve("agent.sock"))) {
            AgentPlatform platform = new AgentPlatform();
            platform.activate(PlatformComponentsTest.config(Map.of("mode", "agent", "agentSocket",
                    sandbox.resolve("agent.sock").toString())));

            assertEquals("0-3", platform.readValue("/sys/devices/system/cpu/possible"));
            assertTrue(platform.describe().startsWith("agent " + sandbox.resolve("agent.sock")), platform.describe());

            platform.deactivate();

            assertEquals(Errno.EIO, assertThrows(SystemFileException.class,
                    () -> platform.read("/sys/devices/system/cpu/possible")).errno());
        }
    }
}
