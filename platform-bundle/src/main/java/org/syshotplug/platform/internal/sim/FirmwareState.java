package org.syshotplug.platform.internal.sim;

import java.io.IOException;
import java.util.List;

/**
 * Machine state that lives outside the kernel's files (the hypervisor's DRCs, the device tree a
 * profile keeps) and that {@link MachineStateFile} must keep too, or a restarted machine would show
 * firmware that never gave the partition anything. A profile registers one with
 * {@link SysfsTree#register(Class, Object)}. {@link #save} runs under the tree lock; {@link #restore}
 * takes it for its changes.
 */
public interface FirmwareState {

    /** Whether lines starting with this word are this model's. */
    boolean owns(String kind);

    /** This model's lines, one moment's state (the caller holds the tree lock). */
    List<String> save();

    /**
     * Brings a freshly built machine's firmware and the devices it provides (present CPUs, memory
     * blocks, device-tree nodes) to the saved lines, before the state file's CPU and memory lines set
     * what is online; lines in any order. An empty list (a file written before this model kept any
     * state) leaves the machine as it booted.
     *
     * @throws IOException when the lines do not fit this machine (another shape or profile)
     */
    void restore(List<String[]> lines) throws IOException;
}
