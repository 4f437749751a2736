package org.syshotplug.platform.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class X86RunFormatTest {

    @Test
    void theShippedPlanParsesAndAddsAtMostThreeCpusAsOneQemuProcessAllows() throws Exception {
        X86Plan plan = X86Plan.load();
        assertTrue(plan.steps().size() >= 30, "steps: " + plan.steps().size());
        long cpuAdds = plan.steps().stream().flatMap(s -> s.commands().stream())
                .filter(c -> c.verb().equals("hmp") && c.argument().startsWith("device_add qemu64")).count();
        assertTrue(cpuAdds <= 3, cpuAdds + " CPU hot-adds");
        X86Plan.Command empty = plan.steps().stream().flatMap(s -> s.commands().stream())
                .filter(c -> "".equals(c.value())).findFirst().orElseThrow();
        assertEquals("write", empty.verb());
    }

    @Test
    void aRecordedRunReadsBackAsItWasWrittenWithOnlyChangesStored() {
        TreeMap<String, String> boot = new TreeMap<>();
        boot.put("cpu.present", "0");
        boot.put("cpu0.online", "-");
        TreeMap<String, String> added = new TreeMap<>(boot);
        added.put("cpu.present", "0-1");
        added.put("cpu1.online", "0");
        TreeMap<String, String> removed = new TreeMap<>(boot);
        List<X86Run.StepResult> run = List.of(
                new X86Run.StepResult("boot", List.of(), List.of(), List.of(), boot),
                new X86Run.StepResult("add", List.of("hmp device_add x -> ok"),
                        List.of("slot-type=CPU slot=3 source=0x1 status=0x0 device=cpu3"), List.of("CPU1 has been hot-added"),
                        added),
                new X86Run.StepResult("remove", List.of("write /sys/x \"1\" -> ok"), List.of(), List.of(), removed));

        String text = X86Run.format(run);

        assertTrue(text.contains("GONE cpu1.online"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("STATE cpu0.online")).count(), text);
        assertEquals(run, X86Run.parse(text.getBytes(StandardCharsets.UTF_8)));
        assertTrue(X86Run.compare(run, run).stream().allMatch(X86Run.Row::same));
    }

    @Test
    void anUnknownVerbIsNamedWithWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> X86Plan.parse("step a\nwirte /sys/x 1\n"));
        assertTrue(e.getMessage().contains("'wirte'") && e.getMessage().contains("allowed"), e.getMessage());
    }
}
