package org.syshotplug.memory.internal;

import java.lang.annotation.Annotation;
import org.syshotplug.platform.SystemFiles;

/**
 * The memory handlers built from plain settings, for chains assembled without ConfigAdmin (the ACPI and DLPAR
 * bundles' chain tests, the fuzz module): {@link MemoryConfig} is package-private, as a metatype type should be,
 * so code outside this package cannot implement it. The running bundle never calls this; DS builds the handlers.
 */
public final class MemoryHandlers {

    private MemoryHandlers() {
    }

    /** The validate handler with policy {@code removeMovableOnly} and {@code defaultOnlineZone} (see {@link MemoryConfig}), hot-add to Movable. */
    public static MemoryValidateHandler validate(SystemFiles files, boolean removeMovableOnly, String defaultOnlineZone) {
        return validate(files, removeMovableOnly, defaultOnlineZone, "movable");
    }

    /** The same with {@code hotAddZone} ({@code movable}, {@code kernel}, {@code default}; see {@link HotAddZone}). */
    public static MemoryValidateHandler validate(SystemFiles files, boolean removeMovableOnly, String defaultOnlineZone,
            String hotAddZone) {
        return new MemoryValidateHandler(files, new Settings(removeMovableOnly, defaultOnlineZone),
                MemoryValidateHandler.hotAdd(hotAddZone));
    }

    /** The online handler with policy {@code removeMovableOnly} and {@code defaultOnlineZone} (see {@link MemoryConfig}), hot-add to Movable. */
    public static MemoryOnlineHandler online(SystemFiles files, boolean removeMovableOnly, String defaultOnlineZone) {
        return online(files, removeMovableOnly, defaultOnlineZone, "movable");
    }

    /** The same with {@code hotAddZone} ({@code movable}, {@code kernel}, {@code default}; see {@link HotAddZone}). */
    public static MemoryOnlineHandler online(SystemFiles files, boolean removeMovableOnly, String defaultOnlineZone,
            String hotAddZone) {
        return new MemoryOnlineHandler(files, new Settings(removeMovableOnly, defaultOnlineZone),
                MemoryValidateHandler.hotAdd(hotAddZone));
    }

    private record Settings(boolean removeMovableOnly, String defaultOnlineZone) implements MemoryConfig {
        @Override
        public Class<? extends Annotation> annotationType() {
            return MemoryConfig.class;
        }
    }
}
