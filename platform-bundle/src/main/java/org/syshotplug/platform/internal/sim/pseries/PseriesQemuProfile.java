package org.syshotplug.platform.internal.sim.pseries;

import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimProfile;
import org.syshotplug.platform.internal.sim.SysfsTree;

/**
 * {@code pseries-qemu}: the QEMU 7.2 guest of the POWER differential run ({@link PseriesProfile#qemuGuest()}),
 * so {@code bin/syshotplug --profile pseries-qemu} shows the machine the tests compare with Linux 6.1.
 * Its shape is fixed: the configured sizes describe x86 machines and would make a different guest.
 */
public final class PseriesQemuProfile implements SimProfile {
    public static final String NAME = "pseries-qemu";

    private final PseriesProfile pseries = new PseriesProfile();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void populate(SysfsTree tree, SimConfig config) {
        pseries.populate(tree, guest(config));
    }

    @Override
    public String describe(SimConfig config) {
        return NAME + ": " + pseries.describe(guest(config)).substring(PseriesProfile.NAME.length() + 1);
    }

    /** The differential guest, keeping only the settings that are not sizes. */
    private static SimConfig guest(SimConfig config) {
        return PseriesProfile.qemuGuest().toBuilder().cpuhpStateControl(config.cpuhpStateControl())
                .autoOnlineBlocks(config.autoOnlineBlocks()).build();
    }
}
