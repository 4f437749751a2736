package org.syshotplug.fuzz;

/**
 * How long each target fuzzes in the build's test phase. Eight targets at 8 s keep the whole
 * fuzzing part of {@code mvn install} near two minutes with JVM start-up and instrumentation;
 * longer campaigns run a target through Jazzer's own command line (see README.md).
 */
public final class FuzzBudget {

    public static final String PER_TARGET = "8s";

    private FuzzBudget() {
    }
}
