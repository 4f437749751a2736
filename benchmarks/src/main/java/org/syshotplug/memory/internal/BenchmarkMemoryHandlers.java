package org.syshotplug.memory.internal;

import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HotplugHandler;

/**
 * The memory bundle's handlers with its default policy, for benchmarks outside the bundle: its
 * configuration type is package-private, so this lives in its package (on the plain class path).
 */
public final class BenchmarkMemoryHandlers {

    private record Defaults(boolean removeMovableOnly, String defaultOnlineZone) implements MemoryConfig {
        @Override
        public Class<? extends java.lang.annotation.Annotation> annotationType() {
            return MemoryConfig.class;
        }
    }

    private static final MemoryConfig DEFAULTS = new Defaults(false, "online");

    private BenchmarkMemoryHandlers() {
    }

    public static HotplugHandler validate(SystemFiles files) {
        return new MemoryValidateHandler(files, DEFAULTS);
    }

    public static HotplugHandler online(SystemFiles files) {
        return new MemoryOnlineHandler(files, DEFAULTS);
    }
}
