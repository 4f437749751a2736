package org.syshotplug.memory.internal;

/**
 * Configuration PID {@value #PID}: the memory handlers' policy (metatype: {@link MemoryMetatype}, which
 * also holds {@link HotAddConfig}'s attribute).
 */
@interface MemoryConfig {

    String PID = "org.syshotplug.memory";

    /** Refuse to remove a block online outside ZONE_MOVABLE unless the request has force. */
    boolean removeMovableOnly() default true;

    /** {@code online}, {@code online_movable} or {@code online_kernel}, for an online request without a zone. */
    String defaultOnlineZone() default "online";
}
