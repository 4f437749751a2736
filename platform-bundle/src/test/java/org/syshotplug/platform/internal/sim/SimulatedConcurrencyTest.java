package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulatedConcurrencyTest {

    @Test
    void concurrentOfflineOnlineOfDifferentCpusKeepsMasksConsistent() throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(16, 64);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int cpu = 1; cpu < 16; cpu++) {
                String online = "/sys/devices/system/cpu/cpu" + cpu + "/online";
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        machine.write(online, "0");
                        machine.read("/sys/devices/system/cpu/online");
                        machine.write(online, "1");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals("0-15", machine.readValue("/sys/devices/system/cpu/online"));
        assertEquals("", machine.readValue("/sys/devices/system/cpu/offline"));
    }
}
