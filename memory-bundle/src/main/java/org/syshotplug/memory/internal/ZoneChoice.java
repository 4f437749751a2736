package org.syshotplug.memory.internal;

import java.util.List;
import org.syshotplug.api.Errno;
import org.syshotplug.api.Operation;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugException;

/**
 * The zone a bring-up onlines blocks to, and why: the request's {@code zone} parameter, else for an
 * {@code add} (blocks that just arrived) the {@code hotAddZone} policy, else {@code defaultOnlineZone}.
 *
 * @param zone      how to online a block that allows it
 * @param hotAdd    the hot-add policy chose it (not the request): a block whose valid zones exclude it is
 *                  onlined with plain {@code online} instead of refused
 * @param policy    the hot-add policy in force, for messages
 */
record ZoneChoice(OnlineZone zone, boolean hotAdd, HotAddZone policy) {

    static ZoneChoice of(HandlerContext context, MemoryConfig config, HotAddConfig hotAddConfig) throws HotplugException {
        String asked = context.request().parameter(MemoryValidateHandler.ZONE);
        if (asked != null) {
            return new ZoneChoice(parse(asked, " (request parameter zone)"), false, null);
        }
        if (context.request().operation() == Operation.ADD) {
            HotAddZone policy;
            try {
                policy = HotAddZone.parse(hotAddConfig.hotAddZone());
            } catch (IllegalArgumentException e) {
                throw HotplugException.veto(null, Errno.EINVAL, e.getMessage() + " (configuration of " + MemoryConfig.PID + ")");
            }
            switch (policy) {
                case MOVABLE:
                    return new ZoneChoice(OnlineZone.MOVABLE, true, policy);
                case KERNEL:
                    return new ZoneChoice(OnlineZone.KERNEL, true, policy);
                default:
                    break;
            }
        }
        return new ZoneChoice(parse(config.defaultOnlineZone(), " (configuration defaultOnlineZone of "
                + MemoryConfig.PID + ")"), false, null);
    }

    private static OnlineZone parse(String text, String where) throws HotplugException {
        try {
            return OnlineZone.parse(text);
        } catch (IllegalArgumentException e) {
            throw HotplugException.veto(null, Errno.EINVAL, e.getMessage() + where);
        }
    }

    /**
     * How to online one offline block. The policy's zone when the block's {@code valid_zones} allow it;
     * otherwise, for a policy choice only, plain {@code online} (the kernel picks), since refusing an add
     * over a default would leave the new memory unused.
     */
    OnlineZone forBlock(List<String> validZones) {
        return hotAdd && !zone.allowedBy(validZones) ? OnlineZone.ONLINE : zone;
    }
}
