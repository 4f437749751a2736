package org.syshotplug.platform.internal.sim.pseries;

/**
 * One logical dynamic-reconfiguration connector as the hypervisor keeps it, with the PAPR state
 * machine of a logical DRC as QEMU's spapr_drc.c models it: UNUSABLE, AVAILABLE (allocated,
 * isolated), UNISOLATED, CONFIGURED. The RTAS calls answer PAPR status codes; the kernel model maps
 * them to errnos as {@code rtas_get_sensor}/{@code rtas_set_indicator} do.
 */
final class PapDrc {
    static final int SUCCESS = 0;
    static final int HW_ERROR = -1;
    static final int PARAM_ERROR = -3;
    static final int CONFIG_UNUSABLE = -9003;
    /** dr-entity-sense values. */
    static final int SENSE_PRESENT = 1;
    static final int SENSE_UNUSABLE = 2;

    enum State { UNUSABLE, AVAILABLE, UNISOLATED, CONFIGURED }

    final long index;
    final String name;
    final String type;
    /** A device (core, DIMM, or pHyp-style assignable resource) stands behind the connector. */
    boolean device;
    /** The hypervisor asked for the device back (QEMU device_del). */
    boolean unplugRequested;
    State state = State.UNUSABLE;

    PapDrc(long index, String name, String type, boolean device) {
        this.index = index;
        this.name = name;
        this.type = type;
        this.device = device;
    }

    /** get-sensor-state(dr-entity-sense). */
    int sense() {
        return state == State.UNUSABLE ? SENSE_UNUSABLE : SENSE_PRESENT;
    }

    /** set-indicator(allocation-state): usable needs a device behind a logical DRC (QEMU answers -3 otherwise). */
    int setAllocation(boolean usable) {
        if (usable) {
            if (!device || state != State.UNUSABLE) {
                return PARAM_ERROR;
            }
            state = State.AVAILABLE;
            return SUCCESS;
        }
        if (state != State.AVAILABLE) {
            return PARAM_ERROR;
        }
        state = State.UNUSABLE;
        if (unplugRequested) {
            // The guest gave the resource back: the hypervisor completes the unplug.
            device = false;
            unplugRequested = false;
        }
        return SUCCESS;
    }

    /**
     * set-indicator(isolation-state). QEMU refuses to isolate an LMB nobody asked to unplug
     * (RTAS_OUT_HW_ERROR) when {@code strictLmbIsolation} is set.
     */
    int setIsolation(boolean unisolate, boolean strictLmbIsolation) {
        if (unisolate) {
            if (state != State.AVAILABLE) {
                return state == State.UNUSABLE ? PARAM_ERROR : SUCCESS;
            }
            state = State.UNISOLATED;
            return SUCCESS;
        }
        if (strictLmbIsolation && "MEM".equals(type) && !unplugRequested) {
            return HW_ERROR;
        }
        if (state == State.UNISOLATED || state == State.CONFIGURED) {
            state = State.AVAILABLE;
        }
        return SUCCESS;
    }

    /** ibm,configure-connector: only an unisolated (or configured) DRC hands out its node. */
    int configure() {
        if (state != State.UNISOLATED && state != State.CONFIGURED) {
            return CONFIG_UNUSABLE;
        }
        state = State.CONFIGURED;
        return SUCCESS;
    }

    /** Boot-time resources are configured and owned by the partition. */
    void assignAtBoot() {
        device = true;
        state = State.CONFIGURED;
    }

    String indexHex() {
        return Long.toHexString(index);
    }
}
