package org.syshotplug.platform.internal.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;

/**
 * The simulated machine's device state kept in a file, so a simulated machine survives its process
 * like a real kernel survives a crash of the management process: CPU online, memory block state and
 * zone, which ACPI objects are present, and the firmware side a profile registers as
 * {@link FirmwareState} (pseries: DRCs, LMB flags, configured cores). {@link #save} runs after every
 * successful write and returns only once the file is on disk (written aside, forced, renamed over the
 * old one), so a write that returned is never lost and a crash leaves the old or the new file, whole.
 *
 * <pre>
 * format 2                (absent in files of format 1, which had no firmware lines; read the same)
 * cpu 2 0                 (cpuN/online)
 * memory 12 online Movable  (state, and for an online block its zone as valid_zones shows it)
 * acpi ACPI0004:00 0      (1 present, 0 absent: ejected, or an empty slot never inserted)
 * drc ..., lmb ..., core ...  (the profile's FirmwareState lines)
 * qemu-core ..., qemu-dimm ..., qemu-backend ...  (x86-acpi-qemu: QEMU's devices, ids and DIMM addresses)
 * </pre>
 *
 * The first two words of a line name what it describes and appear once, so tools may read the file
 * as a map; lines are read in any order.
 */
public final class MachineStateFile {

    /** The format this class writes; 1 had no {@code format} line and no firmware lines. */
    public static final int FORMAT = 2;

    private final Path file;

    public MachineStateFile(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path path() {
        return file;
    }

    /** The state as lines, read under the tree lock so it is one moment's state. */
    public static List<String> snapshot(SimulatedMachine machine) {
        return machine.tree().locked(() -> {
            List<String> lines = new ArrayList<>();
            lines.add("format " + FORMAT);
            try {
                for (String name : machine.list(KernelPaths.CPU_ROOT)) {
                    int id = number(name, "cpu");
                    if (id >= 0 && machine.exists(KernelPaths.cpu(id, "online"))) {
                        lines.add("cpu " + id + " " + machine.readValue(KernelPaths.cpu(id, "online")));
                    }
                }
                if (machine.isDirectory(KernelPaths.MEMORY_ROOT)) {
                    for (String name : machine.list(KernelPaths.MEMORY_ROOT)) {
                        int id = number(name, "memory");
                        if (id >= 0) {
                            String state = machine.readValue(KernelPaths.memoryBlock(id, "state"));
                            lines.add("memory " + id + " " + state + ("online".equals(state)
                                    ? " " + machine.readValue(KernelPaths.memoryBlock(id, "valid_zones")) : ""));
                        }
                    }
                }
            } catch (SystemFileException e) {
                throw new IllegalStateException("simulated machine state cannot be read: " + e.getMessage(), e);
            }
            AcpiNamespace acpi = machine.tree().model(AcpiNamespace.class);
            if (acpi != null) {
                for (String name : new TreeSet<>(acpi.firmwareObjects())) {
                    lines.add("acpi " + name + " " + (acpi.isPresent(name) ? 1 : 0));
                }
            }
            FirmwareState firmware = machine.tree().model(FirmwareState.class);
            if (firmware != null) {
                lines.addAll(firmware.save());
            }
            return lines;
        });
    }

    /** Writes the machine's state durably before returning. */
    public synchronized void save(SimulatedMachine machine) throws IOException {
        byte[] bytes = (String.join("\n", snapshot(machine)) + "\n").getBytes(StandardCharsets.UTF_8);
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        Files.createDirectories(file.getParent());
        try (FileChannel c = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                c.write(b);
            }
            c.force(true);
        }
        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename is durable only once the directory entry is on disk.
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a directory for force; the rename has still happened.
        }
    }

    /**
     * Brings a freshly built machine to the state in the file, through the kernel files as an
     * administrator would (so the simulator's rules still hold); does nothing when there is no file.
     *
     * @return true if a file was loaded
     */
    public boolean load(SimulatedMachine machine) throws IOException, SystemFileException {
        if (!Files.exists(file)) {
            return false;
        }
        Map<Integer, String> cpus = new TreeMap<>();
        Map<Integer, String[]> blocks = new TreeMap<>();
        Map<String, Boolean> acpiPresent = new TreeMap<>();
        FirmwareState firmware = machine.tree().model(FirmwareState.class);
        List<String[]> firmwareLines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.strip().split("\\s+");
            try {
                switch (f[0]) {
                    case "format" -> {
                        if (Integer.parseInt(f[1]) > FORMAT) {
                            throw new IOException(file + ": format " + f[1] + " is newer than this simulator's ("
                                    + FORMAT + ")");
                        }
                    }
                    case "cpu" -> cpus.put(Integer.parseInt(f[1]), f[2]);
                    case "memory" -> blocks.put(Integer.parseInt(f[1]), f);
                    case "acpi" -> acpiPresent.put(f[1], "1".equals(f[2]));
                    case "" -> { }
                    default -> {
                        if (firmware == null || !firmware.owns(f[0])) {
                            throw new IOException(file + ": unknown line '" + line + "' for a " + machine.describe()
                                    + " (a file of another profile?)");
                        }
                        firmwareLines.add(f);
                    }
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IOException(file + ": malformed line '" + line + "'", e);
            }
        }
        if (firmware != null) {
            // The CPUs and blocks the firmware provides first, so they can take their saved state below.
            try {
                firmware.restore(firmwareLines);
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
        AcpiNamespace acpi = machine.tree().model(AcpiNamespace.class);
        if (acpi != null) {
            // Inserted hardware first, so the devices it brings can take their saved state below.
            acpiPresent.forEach((name, present) -> {
                if (present && !acpi.isPresent(name)) {
                    machine.tree().locked(() -> acpi.insert(name));
                }
            });
        }
        for (Map.Entry<Integer, String> cpu : cpus.entrySet()) {
            String online = KernelPaths.cpu(cpu.getKey(), "online");
            if (machine.exists(online) && !machine.readValue(online).equals(cpu.getValue())) {
                machine.write(online, cpu.getValue());
            }
        }
        for (String[] f : blocks.values()) {
            int id = Integer.parseInt(f[1]);
            String state = KernelPaths.memoryBlock(id, "state");
            if (!machine.exists(state)) {
                continue;
            }
            boolean online = machine.readValue(state).equals("online");
            String zone = online ? machine.readValue(KernelPaths.memoryBlock(id, "valid_zones")) : null;
            boolean wantOnline = f[2].equals("online");
            if (online && (!wantOnline || !f[3].equals(zone))) {
                machine.write(state, "offline");
            }
            if (wantOnline && (!online || !f[3].equals(zone))) {
                machine.write(state, "Movable".equals(f[3]) ? "online_movable" : "online_kernel");
            }
        }
        if (acpi != null) {
            for (Map.Entry<String, Boolean> e : acpiPresent.entrySet()) {
                // The eject's work itself, now: an eject write only queues it. An ejected parent took
                // its children with it.
                if (!e.getValue() && acpi.isPresent(e.getKey())) {
                    machine.tree().locked(() -> acpi.ejectNow(e.getKey()));
                }
            }
        }
        // The restored machine's log starts empty, as a booted kernel's hot-plug log would.
        machine.tree().kernelLog().take();
        return true;
    }

    private static int number(String name, String prefix) {
        if (!name.startsWith(prefix) || name.length() == prefix.length()) {
            return -1;
        }
        for (int i = prefix.length(); i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(name.substring(prefix.length()));
    }
}
