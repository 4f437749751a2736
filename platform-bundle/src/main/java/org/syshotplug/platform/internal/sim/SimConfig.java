package org.syshotplug.platform.internal.sim;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The shape of a simulated machine. Sizes are checked here so a profile can trust them; keys a
 * profile needs beyond these (pseries DRC counts, ...) travel in {@link #extra()}.
 */
public final class SimConfig {

    public static final int MAX_CPUS = 1024;
    public static final int MAX_MEMORY_BLOCKS = 8192;
    /** 128 MiB, the x86-64 default memory block size (and this VM's). */
    public static final long DEFAULT_BLOCK_SIZE = 0x8000000L;

    private final String profile;
    private final int cpus;
    private final int possibleCpus;
    private final int memoryBlocks;
    private final long blockSizeBytes;
    private final int nodes;
    private final boolean cpuhpStateControl;
    private final String autoOnlineBlocks;
    private final Map<String, String> extra;

    private SimConfig(Builder b) {
        this.profile = b.profile;
        this.cpus = b.cpus;
        this.possibleCpus = b.possibleCpus < 0 ? b.cpus : b.possibleCpus;
        this.memoryBlocks = b.memoryBlocks;
        this.blockSizeBytes = b.blockSizeBytes;
        this.nodes = b.nodes;
        this.cpuhpStateControl = b.cpuhpStateControl;
        this.autoOnlineBlocks = b.autoOnlineBlocks;
        this.extra = Collections.unmodifiableMap(new HashMap<>(b.extra));
        check();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The {@code x86-acpi} machine with {@code cpus} present and online CPUs and online memory blocks. */
    public static SimConfig x86Acpi(int cpus, int memoryBlocks) {
        return builder().cpus(cpus).memoryBlocks(memoryBlocks).build();
    }

    public String profile() {
        return profile;
    }

    /** CPUs present (and online) at boot. */
    public int cpus() {
        return cpus;
    }

    /** CPU slots the firmware describes: the present ones plus hot-pluggable empty slots. */
    public int possibleCpus() {
        return possibleCpus;
    }

    public int memoryBlocks() {
        return memoryBlocks;
    }

    public long blockSizeBytes() {
        return blockSizeBytes;
    }

    public int nodes() {
        return nodes;
    }

    /**
     * Whether {@code hotplug/target} takes any state (CONFIG_CPU_HOTPLUG_STATE_CONTROL). Off, as on
     * this project's VM, where only 0 (offline) and the last state (online) are accepted.
     */
    public boolean cpuhpStateControl() {
        return cpuhpStateControl;
    }

    public String autoOnlineBlocks() {
        return autoOnlineBlocks;
    }

    /** Profile-specific settings. */
    public Map<String, String> extra() {
        return extra;
    }

    public int extraInt(String key, int fallback) {
        String v = extra.get(key);
        return v == null ? fallback : Integer.parseInt(v.strip());
    }

    public Builder toBuilder() {
        Builder b = new Builder().profile(profile).cpus(cpus).possibleCpus(possibleCpus).memoryBlocks(memoryBlocks)
                .blockSizeBytes(blockSizeBytes).nodes(nodes).cpuhpStateControl(cpuhpStateControl)
                .autoOnlineBlocks(autoOnlineBlocks);
        b.extra.putAll(extra);
        return b;
    }

    private void check() {
        if (cpus < 1 || possibleCpus > MAX_CPUS || possibleCpus < cpus) {
            throw new IllegalArgumentException("cpus " + cpus + " / possibleCpus " + possibleCpus
                    + ": need 1 <= cpus <= possibleCpus <= " + MAX_CPUS);
        }
        if (memoryBlocks < 1 || memoryBlocks > MAX_MEMORY_BLOCKS) {
            throw new IllegalArgumentException("memoryBlocks " + memoryBlocks + ": need 1.." + MAX_MEMORY_BLOCKS);
        }
        if (blockSizeBytes <= 0 || Long.bitCount(blockSizeBytes) != 1) {
            throw new IllegalArgumentException("blockSizeBytes " + blockSizeBytes + ": need a power of two");
        }
        if (nodes < 1 || nodes > Math.min(cpus, memoryBlocks)) {
            throw new IllegalArgumentException("nodes " + nodes + ": need 1..min(cpus, memoryBlocks)");
        }
        if (!SimMemory.ONLINE_TYPES.contains(autoOnlineBlocks)) {
            throw new IllegalArgumentException("autoOnlineBlocks '" + autoOnlineBlocks + "': need one of "
                    + SimMemory.ONLINE_TYPES);
        }
    }

    @Override
    public String toString() {
        return profile + " cpus=" + cpus + "/" + possibleCpus + " memoryBlocks=" + memoryBlocks + " blockSize=0x"
                + Long.toHexString(blockSizeBytes) + " nodes=" + nodes + (extra.isEmpty() ? "" : " " + extra);
    }

    /** Mutable builder; {@link #build()} checks the sizes. */
    public static final class Builder {
        private String profile = X86AcpiProfile.NAME;
        private int cpus = 4;
        private int possibleCpus = -1;
        private int memoryBlocks = 16;
        private long blockSizeBytes = DEFAULT_BLOCK_SIZE;
        private int nodes = 1;
        private boolean cpuhpStateControl;
        private String autoOnlineBlocks = "offline";
        private final Map<String, String> extra = new HashMap<>();

        public Builder profile(String v) {
            profile = v;
            return this;
        }

        public Builder cpus(int v) {
            cpus = v;
            return this;
        }

        public Builder possibleCpus(int v) {
            possibleCpus = v;
            return this;
        }

        public Builder memoryBlocks(int v) {
            memoryBlocks = v;
            return this;
        }

        public Builder blockSizeBytes(long v) {
            blockSizeBytes = v;
            return this;
        }

        public Builder nodes(int v) {
            nodes = v;
            return this;
        }

        public Builder cpuhpStateControl(boolean v) {
            cpuhpStateControl = v;
            return this;
        }

        public Builder autoOnlineBlocks(String v) {
            autoOnlineBlocks = v;
            return this;
        }

        public Builder extra(String key, String value) {
            extra.put(key, value);
            return this;
        }

        public SimConfig build() {
            return new SimConfig(this);
        }
    }
}
