package org.syshotplug.memory.internal;

/**
 * The hot-add part of configuration PID {@value MemoryConfig#PID}, a component property type of its own:
 * {@link MemoryConfig} is implemented outside this bundle's sources (benchmarks), which a new attribute
 * there would break. {@link MemoryMetatype} describes both for metatype.
 */
@interface HotAddConfig {

    /** {@code movable}, {@code kernel} or {@code default}; see {@link HotAddZone}. */
    String hotAddZone() default "movable";
}
