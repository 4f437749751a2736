package org.syshotplug.memory.internal;

import java.lang.annotation.Annotation;

/** A MemoryConfig as ConfigAdmin would hand it over. */
record Config(boolean removeMovableOnly, String defaultOnlineZone) implements MemoryConfig {

    static Config defaults() {
        return new Config(true, "online");
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return MemoryConfig.class;
    }
}
