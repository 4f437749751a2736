package org.syshotplug.api;

import java.util.List;

/**
 * Lists the devices of one type as the platform shows them now. Registered with the service
 * property {@value #DEVICE_TYPE} naming the type, so a shell or a resource handler can find the
 * inventory for {@code cpu} or {@code memory} without knowing the bundle that provides it.
 */
public interface DeviceInventory {

    String DEVICE_TYPE = "hotplug.inventory.type";

    /** The device type listed ({@code cpu}, {@code memory}, ...). */
    String deviceType();

    /**
     * The devices in id order.
     *
     * @throws IllegalStateException with the path and errno when the platform cannot be read
     */
    List<DeviceInfo> devices();
}
