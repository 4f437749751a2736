package org.syshotplug.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One device as an inventory lists it.
 *
 * @param state      the device's state in the kernel's words ({@code online}, {@code offline}, ...)
 * @param attributes further columns in display order (node, zones, range, ...)
 */
public record DeviceInfo(DeviceRef ref, String state, Map<String, String> attributes) {

    public DeviceInfo {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
