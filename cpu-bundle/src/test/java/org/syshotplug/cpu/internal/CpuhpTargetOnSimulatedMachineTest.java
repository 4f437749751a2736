package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.testing.RecordingHandler;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;

/** Partial transitions through {@code hotplug/target} (request parameter cpuhp.target). */
class CpuhpTargetOnSimulatedMachineTest {

    private static SimulatedMachine machine(boolean stateControl) {
        return SimulatedMachine.x86Acpi(SimConfig.builder().cpus(4).memoryBlocks(2).cpuhpStateControl(stateControl).build());
    }

    private static HotplugRequest partial(Operation operation, String target, int cpu) {
        return HotplugRequest.builder(operation).target(DeviceRef.cpu(cpu)).parameter(CpuhpTarget.PARAMETER, target).build();
    }

    private static String state(SimulatedMachine machine, int cpu) throws Exception {
        return machine.readValue(KernelPaths.cpu(cpu, "hotplug/state"));
    }

    @Test
    void partialOfflineStopsAtTheNamedState() throws Exception {
        SimulatedMachine machine = machine(true);
        try (Sequencer chain = Chains.cpuChain(machine)) {
            HotplugResult result = Chains.run(chain, partial(Operation.OFFLINE, "workqueue:online", 2));

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertEquals("187", state(machine, 2));
        }
    }

    @Test
    void rollbackOfAPartialOfflineReturnsToTheStateItStartedFrom() throws Exception {
        SimulatedMachine machine = machine(true);
        try (Sequencer chain = Chains.cpuChain(machine)) {
            Chains.addExecute(chain, new RecordingHandler(HotplugException.failure(null, Errno.EIO, "firmware refuses", null)),
                    "test.firmware.failing", HandlerProperties.FIRMWARE_RESOURCES);

            HotplugResult result = Chains.run(chain, partial(Operation.OFFLINE, "187", 2));

            assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
            assertEquals("236", state(machine, 2));
        }
    }

    @Test
    void targetInTheWrongDirectionIsRejected() throws Exception {
        SimulatedMachine machine = machine(true);
        try (Sequencer chain = Chains.cpuChain(machine)) {
            HotplugResult result = Chains.run(chain, partial(Operation.ONLINE, "187", 2));

            assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
            assertTrue(result.error().message().contains("would go down"), result.error().message());
        }
    }

    @Test
    void unknownStateIsRejectedNamingIt() throws Exception {
        try (Sequencer chain = Chains.cpuChain(machine(true))) {
            HotplugResult result = Chains.run(chain, partial(Operation.OFFLINE, "no:such", 2));

            assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
            assertTrue(result.error().message().contains("'no:such'"), result.error().message());
        }
    }

    @Test
    void kernelWithoutStateControlAnswersEinvalAndNothingChanges() throws Exception {
        SimulatedMachine machine = machine(false);
        try (Sequencer chain = Chains.cpuChain(machine)) {
            HotplugResult result = Chains.run(chain, partial(Operation.OFFLINE, "187", 2));

            assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
            assertEquals(Errno.EINVAL, result.error().errno());
            assertTrue(result.error().message().contains("CONFIG_CPU_HOTPLUG_STATE_CONTROL"), result.error().message());
            assertEquals("236", state(machine, 2));
        }
    }
}
