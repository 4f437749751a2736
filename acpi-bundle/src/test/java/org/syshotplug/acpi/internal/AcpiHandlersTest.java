package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Phase;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.platform.testing.WriteFaults;
import org.syshotplug.spi.HotplugException;

class AcpiHandlersTest {

    static final String CONTAINER_EJECT = "/sys/bus/acpi/devices/ACPI0004:00/eject";

    @TempDir
    Path dir;
    SysTree tree;
    WriteFaults files;

    @BeforeEach
    void machine() {
        tree = SysTree.containerMachine(dir);
        files = new WriteFaults(new LinuxSystemFiles(dir));
    }

    static TestContext validate(Operation op, DeviceRef... targets) {
        return new TestContext(HotplugRequest.of(op, targets), Phase.VALIDATE);
    }

    static List<DeviceRef> expectedContainerDevices(DeviceRef container) {
        List<DeviceRef> out = new ArrayList<>(List.of(container, DeviceRef.cpu(2), DeviceRef.cpu(3)));
        for (int b = 8; b < 12; b++) {
            out.add(DeviceRef.memory(b));
        }
        return out;
    }

    @Test
    void namespacePathOfAContainerResolvesToItsCpusAndMemoryBlocks() throws Exception {
        TestContext ctx = validate(Operation.REMOVE, DeviceRef.of("acpi", "\\_SB_.CON0"));

        new AcpiResourceHandler(files).handle(ctx);

        assertEquals(expectedContainerDevices(DeviceRef.of("acpi", "ACPI0004:00")), ctx.devices());
    }

    @Test
    void containerTargetKeepsItsTypeAndResolvesTheSame() throws Exception {
        TestContext ctx = validate(Operation.REMOVE, DeviceRef.of("container", "ACPI0004:00"));

        new AcpiResourceHandler(files).handle(ctx);

        assertEquals(expectedContainerDevices(DeviceRef.of("container", "ACPI0004:00")), ctx.devices());
    }

    @Test
    void processorObjectResolvesToItsCpu() throws Exception {
        TestContext ctx = validate(Operation.ADD, DeviceRef.of("acpi", "ACPI0007:02"));

        new AcpiResourceHandler(files).handle(ctx);

        assertEquals(List.of(DeviceRef.of("acpi", "ACPI0007:02"), DeviceRef.cpu(2)), ctx.devices());
    }

    @Test
    void deviceNamedTwiceThroughAContainerAppearsOnce() throws Exception {
        TestContext ctx = validate(Operation.REMOVE, DeviceRef.cpu(3), DeviceRef.of("acpi", "ACPI0004:00"));

        new AcpiResourceHandler(files).handle(ctx);

        assertEquals(1, ctx.devices().stream().filter(DeviceRef.cpu(3)::equals).count());
        assertEquals(7, ctx.devices().size());
    }

    @Test
    void unknownObjectIsVetoedWithEnodev() {
        TestContext ctx = validate(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:07"));

        HotplugException e = assertThrows(HotplugException.class, () -> new AcpiResourceHandler(files).handle(ctx));

        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("hotplug:acpi"), e.getMessage());
    }

    @Test
    void processorNamedAsContainerIsVetoed() {
        TestContext ctx = validate(Operation.REMOVE, DeviceRef.of("container", "ACPI0007:02"));

        HotplugException e = assertThrows(HotplugException.class, () -> new AcpiResourceHandler(files).handle(ctx));

        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void requestWithoutFirmwareTargetsIsLeftAlone() throws Exception {
        TestContext ctx = validate(Operation.REMOVE, DeviceRef.cpu(2));

        new AcpiResourceHandler(files).handle(ctx);
        new AcpiBusValidator(files).handle(ctx);

        assertEquals(List.of(DeviceRef.cpu(2)), ctx.devices());
    }

    @Test
    void busValidatorAcceptsRemovalOfAPresentEjectableContainer() throws Exception {
        new AcpiBusValidator(files).handle(validate(Operation.REMOVE, DeviceRef.of("acpi", "\\_SB_.CON0")));
    }

    @Test
    void removalOfAnObjectWithoutEjectPointsToItsEjectableContainer() {
        TestContext ctx = validate(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0007:02"));

        HotplugException e = assertThrows(HotplugException.class, () -> new AcpiBusValidator(files).handle(ctx));

        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertTrue(e.getMessage().contains("acpi:ACPI0004:00"), e.getMessage());
        assertFalse(e.overridable());
    }

    @Test
    void addDoesNotNeedEject() throws Exception {
        new AcpiBusValidator(files).handle(validate(Operation.ADD, DeviceRef.of("acpi", "ACPI0007:02")));
    }

    @Test
    void objectWhoseStaSaysAbsentIsVetoed() {
        tree.file("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/status", "0\n");

        HotplugException e = assertThrows(HotplugException.class, () -> new AcpiBusValidator(files)
                .handle(validate(Operation.ADD, DeviceRef.of("container", "ACPI0004:00"))));

        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("firmware reports the slot empty (status 0)"), e.getMessage());
    }

    @Test
    void disabledProfileOfAClassInsideTheContainerIsVetoed() {
        tree.file("/sys/firmware/acpi/hotplug/memory/enabled", "0\n");

        HotplugException e = assertThrows(HotplugException.class, () -> new AcpiBusValidator(files)
                .handle(validate(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00"))));

        assertEquals(Errno.EPERM, e.errno());
        assertTrue(e.getMessage().contains("/sys/firmware/acpi/hotplug/memory/enabled"), e.getMessage());
    }

    @Test
    void profileTheKernelLacksIsNoVeto() throws Exception {
        // This VM's kernel has only the processor and pci_root profiles.
        tree.file("/sys/firmware/acpi/hotplug/container/enabled", "");
        java.nio.file.Files.delete(dir.resolve("sys/firmware/acpi/hotplug/container/enabled"));

        new AcpiBusValidator(files).handle(validate(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00")));
    }

    /** What the kernel does once _EJ0 ran: the object and everything below it leave the bus folder. */
    void ejectRemovesTheContainer() {
        files.afterWrite(CONTAINER_EJECT, () -> {
            for (String name : List.of("ACPI0004:00", "ACPI0007:02", "ACPI0007:03", "PNP0C80:00")) {
                try {
                    java.nio.file.Files.delete(dir.resolve("sys/bus/acpi/devices/" + name));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    @Test
    void ejectWritesOneToTheContainerOnly() throws Exception {
        ejectRemovesTheContainer();
        TestContext ctx = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "\\_SB_.CON0")),
                Phase.COMMIT, List.of(DeviceRef.of("acpi", "ACPI0004:00"), DeviceRef.of("acpi", "ACPI0007:02"),
                        DeviceRef.cpu(2), DeviceRef.memory(8)));

        new AcpiEjectHandler(files).handle(ctx);

        assertEquals(List.of(CONTAINER_EJECT + "=1"), files.writes);
    }

    @Test
    void ejectTheKernelQueuedButNeverFinishedIsReported() {
        // acpi_eject_store() returns at once; here the object simply stays, as after a failed offline.
        TestContext ctx = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00")),
                Phase.COMMIT);

        HotplugException e = assertThrows(HotplugException.class,
                () -> new AcpiEjectHandler(files, java.time.Duration.ofMillis(50)).handle(ctx));

        assertTrue(e.getMessage().contains("did not complete"), e.getMessage());
        assertEquals(List.of(CONTAINER_EJECT + "=1"), files.writes);
    }

    @Test
    void ejectCountsAsDoneWhenStaNoLongerSaysPresent() throws Exception {
        files.afterWrite(CONTAINER_EJECT, () -> tree.file("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/status", "0\n"));
        TestContext ctx = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00")),
                Phase.COMMIT);

        new AcpiEjectHandler(files, java.time.Duration.ofSeconds(30)).handle(ctx);

        assertEquals(1, files.writes.size());
    }

    @Test
    void ejectRerunAfterARestartCountsAnObjectAlreadyGoneAsDone() throws Exception {
        // The first run's eject went through before the process died; recovery runs the step again.
        tree.file("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/status", "0\n");
        TestContext gone = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00")),
                Phase.COMMIT);
        TestContext unknown = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:09")),
                Phase.COMMIT);

        new AcpiEjectHandler(files).handle(gone);
        new AcpiEjectHandler(files).handle(unknown);

        assertEquals(List.of(), files.writes, "nothing is ejected twice");
    }

    @Test
    void busyEjectIsAFailureNamingTheObjectAndTheReason() {
        files.failWrites(CONTAINER_EJECT, Errno.EBUSY);
        TestContext ctx = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00")),
                Phase.COMMIT);

        HotplugException e = assertThrows(HotplugException.class, () -> new AcpiEjectHandler(files).handle(ctx));

        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().contains("still online"), e.getMessage());
        assertTrue(e.getMessage().contains("\\_SB_.CON0"), e.getMessage());
    }

    @Test
    void namespaceTreeFollowsTheLinkTargets() throws Exception {
        AcpiNamespace ns = new AcpiNamespaceReader(files).read();
        AcpiObject con = ns.byName("ACPI0004:00").orElseThrow();

        assertEquals(List.of("ACPI0007:02", "ACPI0007:03", "PNP0C80:00"),
                ns.children(con).stream().map(AcpiObject::name).toList());
        assertEquals(AcpiKind.CONTAINER, con.kind());
        assertEquals(AcpiKind.MEMORY, ns.byName("PNP0C80:00").orElseThrow().kind());
        assertEquals(DeviceRef.cpu(3), ns.byName("ACPI0007:03").orElseThrow().owned().get(0));
        assertEquals("ACPI0004:00", ns.ejectableAncestor(ns.byName("PNP0C80:00").orElseThrow()).orElseThrow().name());
        assertEquals("ACPI0007:01", ns.ownerOf(DeviceRef.cpu(1)).orElseThrow().name());
    }

    @Test
    void entryWhoseNameIsNotAKernelAcpiNameIsSkipped() throws Exception {
        tree.link("/sys/bus/acpi/devices/bad..name", "/sys/devices/LNXSYSTM:00/elsewhere");

        AcpiNamespace ns = new AcpiNamespaceReader(files).read();

        assertEquals(8, ns.objects().size());
    }

    @Test
    void objectThatVanishesWhileBeingReadIsLeftOut() throws Exception {
        // The bus link outlived its folder: the kernel removed the object between the listing and the read.
        java.nio.file.Files.createSymbolicLink(dir.resolve("sys/bus/acpi/devices/ACPI0007:09"),
                java.nio.file.Path.of("../../../devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0007:09"));

        AcpiNamespace ns = new AcpiNamespaceReader(files).read();

        assertEquals(8, ns.objects().size());
        assertTrue(ns.byName("ACPI0007:09").isEmpty());
    }

    static final String CONTAINER_DEVICE_ONLINE = "/sys/devices/system/container/ACPI0004:00/online";

    /** The container's own Linux device, as drivers/acpi/container.c registers it. */
    void containerDevice() {
        tree.link("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/physical_node", "/sys/devices/system/container/ACPI0004:00");
        tree.file(CONTAINER_DEVICE_ONLINE, "1\n");
    }

    @Test
    void containerDeviceIsTakenOfflineBeforeTheEjectAsTheKernelDemands() throws Exception {
        containerDevice();
        ejectRemovesTheContainer();
        TestContext ctx = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00")),
                Phase.COMMIT);

        new AcpiEjectHandler(files).handle(ctx);

        assertEquals(List.of(CONTAINER_DEVICE_ONLINE + "=0", CONTAINER_EJECT + "=1"), files.writes);
    }

    @Test
    void containerDeviceGoesBackOnlineWhenTheEjectFails() {
        containerDevice();
        files.failWrites(CONTAINER_EJECT, Errno.EBUSY);
        TestContext ctx = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00")),
                Phase.COMMIT);

        assertThrows(HotplugException.class, () -> new AcpiEjectHandler(files).handle(ctx));

        assertEquals(List.of(CONTAINER_DEVICE_ONLINE + "=0", CONTAINER_DEVICE_ONLINE + "=1"), files.writes);
    }

    @Test
    void containerDeviceIsNoUnmanagedDeviceAndIsListedAsTheContainer() throws Exception {
        containerDevice();

        new AcpiBusValidator(files).handle(validate(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0004:00")));
        String out = new AcpiCommands(files).acpi(false);

        assertTrue(out.matches("(?s).*ACPI0004:00 .* yes +container:ACPI0004:00\n.*"), out);
    }
}
