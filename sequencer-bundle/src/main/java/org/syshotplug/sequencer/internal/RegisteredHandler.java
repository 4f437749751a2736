package org.syshotplug.sequencer.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Phase;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/** One handler service as the chain holds it: its place, its filters, and how it has behaved. */
final class RegisteredHandler {

    /**
     * Bring-up order within a phase: priority ascending, then higher service ranking first (as OSGi
     * prefers it), then lower service id (registered earlier) first, so the order never depends on
     * binding order.
     */
    static final Comparator<RegisteredHandler> BRING_UP = Comparator.comparingInt(RegisteredHandler::priority)
            .thenComparing(Comparator.comparingInt(RegisteredHandler::ranking).reversed())
            .thenComparingLong(RegisteredHandler::serviceId);

    /** Tear-down mirrors the priority order; the tie-break stays the same so it is deterministic too. */
    static final Comparator<RegisteredHandler> TEAR_DOWN = Comparator
            .comparingInt(RegisteredHandler::priority).reversed()
            .thenComparing(Comparator.comparingInt(RegisteredHandler::ranking).reversed())
            .thenComparingLong(RegisteredHandler::serviceId);

    /** Chain order for listings: phase, then bring-up order. */
    static final Comparator<RegisteredHandler> CHAIN = Comparator.comparing(RegisteredHandler::phase)
            .thenComparing(BRING_UP);

    private final HotplugHandler handler;
    private final String name;
    private final String bundle;
    private final long serviceId;
    private final int ranking;
    private final Phase phase;
    private final int priority;
    private final Set<Operation> operations;
    private final List<String> devices;
    private final AtomicLong calls;
    private final AtomicLong failures;
    /** Shared with the registrations of the same service after a property update. */
    private final AtomicReference<String> quarantine;
    /** Threads abandoned inside a call of this handler that has not returned; shared by every registration of the name. */
    private final AtomicInteger stuck;

    private RegisteredHandler(HotplugHandler handler, String name, String bundle, long serviceId, int ranking,
            Phase phase, int priority, Set<Operation> operations, List<String> devices, AtomicLong calls,
            AtomicLong failures, AtomicReference<String> quarantine, AtomicInteger stuck) {
        this.handler = handler;
        this.name = name;
        this.bundle = bundle;
        this.serviceId = serviceId;
        this.ranking = ranking;
        this.phase = phase;
        this.priority = priority;
        this.operations = operations;
        this.devices = devices;
        this.calls = calls;
        this.failures = failures;
        this.quarantine = quarantine;
        this.stuck = stuck;
    }

    /**
     * Reads the service properties; missing identity properties get defaults (ranking 0, the class
     * name, bundle {@code unknown}, the given fallback id).
     *
     * @throws IllegalArgumentException naming the property and value when phase, priority,
     *                                  operations or devices are malformed
     */
    static RegisteredHandler of(HotplugHandler handler, Map<String, ?> properties, long fallbackServiceId) {
        if (handler == null) {
            throw new IllegalArgumentException("handler is null");
        }
        Map<String, ?> p = properties == null ? Map.of() : properties;
        Object phaseValue = p.get(HandlerProperties.PHASE);
        Phase phase = Phase.parseHandlerPhase(phaseValue == null ? null : phaseValue.toString().trim());
        int priority = integer(p.get(HandlerProperties.PRIORITY), HandlerProperties.PRIORITY, null);
        int ranking = integer(p.get("service.ranking"), "service.ranking", 0);
        long serviceId = p.get("service.id") instanceof Number n ? n.longValue() : fallbackServiceId;
        String name = p.get("component.name") instanceof String s && !s.isBlank() ? s : handler.getClass().getName();
        String bundle = p.get(Sequencer.BUNDLE_PROPERTY) instanceof String s && !s.isBlank() ? s : "unknown";
        Set<Operation> operations = EnumSet.noneOf(Operation.class);
        for (String word : strings(p.get(HandlerProperties.OPERATIONS))) {
            operations.add(Operation.parse(word));
        }
        if (operations.isEmpty()) {
            operations = EnumSet.allOf(Operation.class);
        }
        List<String> devices = strings(p.get(HandlerProperties.DEVICES));
        return new RegisteredHandler(handler, name, bundle, serviceId, ranking, phase, priority,
                Set.copyOf(operations), List.copyOf(devices), new AtomicLong(), new AtomicLong(), new AtomicReference<>(), new AtomicInteger());
    }

    /** The same service with changed properties: statistics and quarantine carry over. */
    RegisteredHandler modified(Map<String, ?> properties) {
        RegisteredHandler fresh = of(handler, properties, serviceId);
        return new RegisteredHandler(handler, fresh.name, fresh.bundle, serviceId, fresh.ranking, fresh.phase,
                fresh.priority, fresh.operations, fresh.devices, calls, failures, quarantine, stuck);
    }

    /**
     * The same registration counting its stuck threads in {@code counter}: a thread stuck in a
     * handler stays stuck when the handler's bundle re-registers it, so the count follows the name.
     */
    RegisteredHandler sharingStuckCount(AtomicInteger counter) {
        return new RegisteredHandler(handler, name, bundle, serviceId, ranking, phase, priority, operations, devices,
                calls, failures, quarantine, counter);
    }

    boolean takesPart(Operation operation) {
        return operations.contains(operation);
    }

    /** True if the handler declares no device types or one of the given types. */
    boolean caresAbout(Collection<String> types) {
        if (devices.isEmpty()) {
            return true;
        }
        for (String t : types) {
            if (devices.contains(t)) {
                return true;
            }
        }
        return false;
    }

    HandlerInfo info() {
        return new HandlerInfo(name, bundle, serviceId, phase, priority, ranking, operations, devices,
                calls.get(), failures.get(), quarantine.get(), stuck.get());
    }

    void quarantine(String reason) {
        quarantine.set(reason);
    }

    String quarantineReason() {
        return quarantine.get();
    }

    /** A worker was abandoned inside a call of this handler. */
    void countStuck() {
        stuck.incrementAndGet();
    }

    /** An abandoned worker came back from this handler. */
    void countUnstuck() {
        stuck.decrementAndGet();
    }

    int stuckThreads() {
        return stuck.get();
    }

    long countCall() {
        return calls.incrementAndGet();
    }

    void countFailure() {
        failures.incrementAndGet();
    }

    HotplugHandler handler() {
        return handler;
    }

    String name() {
        return name;
    }

    String bundle() {
        return bundle;
    }

    long serviceId() {
        return serviceId;
    }

    int ranking() {
        return ranking;
    }

    Phase phase() {
        return phase;
    }

    int priority() {
        return priority;
    }

    @Override
    public String toString() {
        return name + " (" + phase.word() + " " + priority + ", service " + serviceId + ")";
    }

    private static int integer(Object value, String key, Integer absent) {
        if (value == null && absent != null) {
            return absent;
        }
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Number n && n.longValue() == n.intValue()) {
            return n.intValue();
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("invalid " + key + " '" + value + "': expected an integer");
    }

    /** A property value as words: a String (comma-separated allowed), a String[] or a collection. */
    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        Collection<?> items = value instanceof Object[] a ? List.of(a)
                : value instanceof Collection<?> c ? c : List.of(value);
        for (Object item : items) {
            if (item == null) {
                continue;
            }
            for (String word : item.toString().split(",")) {
                String w = word.trim();
                if (!w.isEmpty() && !out.contains(w)) {
                    out.add(w);
                }
            }
        }
        return out;
    }
}
