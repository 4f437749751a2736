package org.syshotplug.memory.internal;

import java.lang.annotation.Annotation;

import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HotplugHandler;

/**
 * The memory bundle's handlers as the DLPAR chain tests use them. The kernel's DLPAR remove has no
 * Movable-only policy, so the tests turn {@code removeMovableOnly} off (an operator does the same in
 * {@code org.syshotplug.memory.cfg}, or passes force).
 */
public final class MemoryHandlersForDlpar {
    private MemoryHandlersForDlpar() {
    }

    private record KernelLikeConfig() implements MemoryConfig {
        @Override
        public boolean removeMovableOnly() {
            return false;
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
        return new MemoryValidateHandler(files, new KernelLikeConfig());
    }

    public static HotplugHandler online(SystemFiles files) {
        return new MemoryOnlineHandler(files, new KernelLikeConfig());
    }
}
