package org.syshotplug.sequencer.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** ConfigAdmin configuration {@code org.syshotplug.sequencer}; changes apply without a restart. */
@ObjectClassDefinition(id = HotplugServiceComponent.PID, name = "SysHotplug sequencer",
        description = "Queue, deadlines and logging of the hot-plug request sequencer")
public @interface SequencerConfiguration {

    @AttributeDefinition(name = "Queue capacity", min = "1",
            description = "How many requests may wait; one more is rejected at once")
    int queueCapacity() default 1024;

    @AttributeDefinition(name = "Handler deadline (ms)", min = "1",
            description = "How long one handler call may take when the request names no deadline; "
                    + "a handler that overruns is quarantined")
    long handlerDeadlineMillis() default 30_000;

    @AttributeDefinition(name = "Trace", description = "Log every step with its duration at INFO")
    boolean trace() default false;

    @AttributeDefinition(name = "History size", min = "0",
            description = "How many finished requests hotplug:history can show")
    int historySize() default 1000;

    @AttributeDefinition(name = "Stuck threads per handler", min = "1",
            description = "How many threads may stay stuck in calls of one handler that overran and were abandoned;"
                    + " at that count, requests that need the handler are refused (EAGAIN) instead of stranding more")
    int maxStuckThreads() default 4;

    @AttributeDefinition(name = "Journal", description = "Record each request's life in the bundle's data area,"
            + " so requests interrupted by a crash are rolled back (or reported) on the next start")
    boolean journal() default true;

    @AttributeDefinition(name = "Refuse after journal damage", description = "When the journal is found damaged at"
            + " start (kept aside, its unfinished requests reported in doubt), refuse state-changing requests until an"
            + " operator runs hotplug:journal ack; false lets requests run at once")
    boolean journalRefuseUntilAcknowledged() default true;
}
