package org.syshotplug.platform.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

/**
 * The same scenario files ({@code src/test/resources/scenarios/*.scn}) against the simulated
 * x86-acpi machine, always, and against this machine's kernel when the live guard allows, so the
 * simulator is held to what the kernel really answers.
 */
class DifferentialScenarioTest {

    static final Path SCENARIOS = Path.of("src/test/resources/scenarios");

    static Stream<String> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".scn")).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0} on the simulated x86-acpi machine")
    @MethodSource("scenarios")
    void scenarioPassesOnTheSimulatedX86Machine(String name) throws IOException {
        Scenario scenario = Scenario.load(SCENARIOS.resolve(name));
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 16);

        List<String> transcript = scenario.run(machine);

        System.out.println("SIMULATED: " + name + " passed on " + machine.describe() + " (" + transcript.size()
                + " steps)");
    }

    @ParameterizedTest(name = "{0} on the live kernel")
    @MethodSource("scenarios")
    void scenarioPassesOnTheLiveKernel(String name) throws IOException {
        String whyNot = LiveKernel.whyNot();
        if (whyNot != null) {
            System.out.println("LIVE: " + name + " SKIPPED: " + whyNot);
        }
        Assumptions.assumeTrue(whyNot == null, "skipped: " + whyNot);
        Scenario scenario = Scenario.load(SCENARIOS.resolve(name));
        try (LiveKernel live = LiveKernel.acquire()) {
            List<String> transcript = scenario.run(live.files());

            System.out.println("LIVE: " + name + " RAN against the live kernel (" + live.files().describe() + ", "
                    + System.getProperty("os.version") + "): " + transcript.size() + " steps passed");
            transcript.forEach(step -> System.out.println("LIVE:   " + step));
        }
    }

    @Test
    void wrongExpectationFailsTheScenario() {
        Scenario wrong = Scenario.of("wrong.scn", """
                read /sys/devices/system/cpu/cpu1/online
                expect 0
                """);

        Scenario.Failure failure = assertThrows(Scenario.Failure.class,
                () -> wrong.run(SimulatedMachine.x86Acpi(4, 16)));

        assertTrue(failure.getMessage().startsWith("wrong.scn:2"), failure.getMessage());
        assertTrue(failure.getMessage().contains("got '1'"), failure.getMessage());
    }

    @Test
    void wrongErrnoFailsTheScenario() {
        Scenario wrong = Scenario.of("errno.scn", """
                write /sys/devices/system/cpu/cpu1/online 2
                expect-errno EBUSY
                """);

        Scenario.Failure failure = assertThrows(Scenario.Failure.class,
                () -> wrong.run(SimulatedMachine.x86Acpi(4, 16)));

        assertTrue(failure.getMessage().contains("expected EBUSY") && failure.getMessage().contains("EINVAL"),
                failure.getMessage());
    }

    @Test
    void failureNobodyExpectedFailsTheScenario() {
        Scenario wrong = Scenario.of("unexpected.scn", """
                write /sys/devices/system/cpu/cpu1/online 2
                read /sys/devices/system/cpu/cpu1/online
                """);

        Scenario.Failure failure = assertThrows(Scenario.Failure.class,
                () -> wrong.run(SimulatedMachine.x86Acpi(4, 16)));

        assertTrue(failure.getMessage().startsWith("unexpected.scn:2"), failure.getMessage());
    }

    @Test
    void expectedErrnoThatDoesNotHappenFailsTheScenario() {
        Scenario wrong = Scenario.of("succeeds.scn", """
                write /sys/devices/system/cpu/cpu1/online 1
                expect-errno EINVAL
                """);

        assertThrows(Scenario.Failure.class, () -> wrong.run(SimulatedMachine.x86Acpi(4, 16)));
    }

    @Test
    void variablesComeFromTheCpuhpStateTable() {
        List<String> transcript = Scenario.of("vars.scn", """
                state WQ workqueue:online
                write /sys/devices/system/cpu/cpu1/hotplug/fail ${WQ}
                read /sys/devices/system/cpu/cpu1/hotplug/fail
                expect 187
                """).run(SimulatedMachine.x86Acpi(4, 16));

        assertEquals(4, transcript.size());
    }
}
