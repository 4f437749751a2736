package org.syshotplug.cpu.internal;

import java.util.List;
import org.syshotplug.api.Errno;
import org.syshotplug.api.Operation;
import org.syshotplug.spi.HotplugException;

/**
 * The request parameter {@value #PARAMETER}: a partial transition to one cpuhp state (number or
 * name from {@code hotplug/states}) through {@code cpuN/hotplug/target}, instead of the whole
 * way through {@code cpuN/online}. Kernels without CONFIG_CPU_HOTPLUG_STATE_CONTROL take only the
 * first and the last state there and answer EINVAL to any other (this project's VM is one).
 */
final class CpuhpTarget {

    static final String PARAMETER = "cpuhp.target";

    private CpuhpTarget() {
    }

    /** The state number the request asks for, or -1 when it asks for a whole online/offline. */
    static int requested(String value, Operation operation, List<CpuhpState> table) throws HotplugException {
        if (value == null) {
            return -1;
        }
        if (operation != Operation.ONLINE && operation != Operation.OFFLINE) {
            throw HotplugException.veto(null, Errno.EINVAL, PARAMETER + " is for online and offline requests only,"
                    + " not " + operation.word() + ": add and remove always go the whole way");
        }
        String token = value.strip();
        for (CpuhpState state : table) {
            if (state.name().equals(token) || Integer.toString(state.number()).equals(token)) {
                return state.number();
            }
        }
        throw HotplugException.veto(null, Errno.EINVAL, "unknown cpuhp state '" + CpuList.printable(token)
                + "' in " + PARAMETER + ": give a number or a name from " + CpuTopology.STATES_TABLE
                + " (see hotplug:cpustates)");
    }
}
