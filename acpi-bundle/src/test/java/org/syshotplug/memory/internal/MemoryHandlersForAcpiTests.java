package org.syshotplug.memory.internal;

import java.lang.annotation.Annotation;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HotplugHandler;

/**
 * The memory bundle's handlers for the ACPI bundle's chain tests. Lives in the memory bundle's package
 * (on the test class path only) because its configuration type {@code MemoryConfig} is package-private.
 */
public final class MemoryHandlersForAcpiTests {

    private MemoryHandlersForAcpiTests() {
    }

    /** The memory bundle's defaults: remove movable memory only, online to the kernel's default zone. */
    private record Defaults() implements MemoryConfig {
        @Override
        public boolean removeMovableOnly() {
            return true;
        }

        @Override
        public String defaultOnlineZone() {
            return "online";
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return MemoryConfig.class;
        }
    }

    public static HotplugHandler validate(SystemFiles files) {
        return new MemoryValidateHandler(files, new Defaults());
    }

    public static HotplugHandler online(SystemFiles files) {
        return new MemoryOnlineHandler(files, new Defaults());
    }
}
