package org.syshotplug.sequencer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.Operation;
import org.syshotplug.spi.HotplugHandler;

/**
 * The handlers that are registered, in chain order. A request takes a snapshot when it starts, so
 * handlers may come and go while it runs; recovery waits here for the handlers it needs.
 */
final class HandlerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerRegistry.class);

    private final AtomicLong fallbackServiceIds = new AtomicLong(1_000_000_000L);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final Map<HotplugHandler, RegisteredHandler> registrations = new LinkedHashMap<>();
    private final Map<HotplugHandler, BooleanSupplier> inServiceTests = new HashMap<>();
    private boolean closed;
    /** Stuck threads per handler name; kept after the handler leaves, since its threads may still be stuck. */
    private final Map<String, AtomicInteger> stuck = new ConcurrentHashMap<>();

    /** Immutable, in chain order; replaced under lock so a request's snapshot is one consistent view. */
    private volatile List<RegisteredHandler> chain = List.of();
    /** Per operation, the plan of the handlers taking part (phase by phase as {@link PhaseRule} orders them). */
    private volatile Map<Operation, ChainWalk.Plan> plans = plans(List.of());

    /** @throws IllegalArgumentException when the properties are malformed or the handler is already added */
    RegisteredHandler add(HotplugHandler handler, Map<String, ?> properties, BooleanSupplier inService) {
        RegisteredHandler added = RegisteredHandler.of(handler, properties, fallbackServiceIds.incrementAndGet());
        added = added.sharingStuckCount(stuck.computeIfAbsent(added.name(), n -> new AtomicInteger()));
        lock.lock();
        try {
            if (registrations.containsKey(handler)) {
                throw new IllegalArgumentException("handler " + added.name() + " is already in the chain");
            }
            registrations.put(handler, added);
            inServiceTests.put(handler, inService);
            publish();
        } finally {
            lock.unlock();
        }
        return added;
    }

    /** New properties for a handler in the chain; statistics and quarantine stay. */
    void update(HotplugHandler handler, Map<String, ?> properties) {
        lock.lock();
        try {
            RegisteredHandler old = registrations.get(handler);
            if (old == null) {
                throw new IllegalArgumentException("handler " + handler + " is not in the chain");
            }
            RegisteredHandler next = old.modified(properties);
            registrations.put(handler, next.sharingStuckCount(stuck.computeIfAbsent(next.name(),
                    n -> new AtomicInteger())));
            publish();
        } finally {
            lock.unlock();
        }
    }

    /** @return the registration removed, or null if the handler was not in the chain */
    RegisteredHandler remove(HotplugHandler handler) {
        lock.lock();
        try {
            RegisteredHandler removed = registrations.remove(handler);
            inServiceTests.remove(handler);
            if (removed != null) {
                publish();
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The handlers taking part in {@code operation} whose provider is in service, in walk order
     * (sorted when the chain changes, not per request).
     */
    ChainWalk.Plan snapshot(Operation operation) {
        lock.lock();
        try {
            ChainWalk.Plan plan = plans.get(operation);
            for (RegisteredHandler h : plan.chain) {
                if (!inService(h)) {
                    return ChainWalk.Plan.of(plan.chain.stream().filter(this::inService).toList());
                }
            }
            return plan;
        } finally {
            lock.unlock();
        }
    }

    List<RegisteredHandler> chain() {
        return chain;
    }

    List<HandlerInfo> infos() {
        return chain.stream().map(RegisteredHandler::info).toList();
    }

    /** The registered handlers with these names, in this order, waiting at most {@code wait}; null if one stays missing. */
    List<RegisteredHandler> await(List<String> names, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (true) {
                List<RegisteredHandler> found = new ArrayList<>();
                for (String name : names) {
                    chain.stream().filter(h -> h.name().equals(name)).findFirst().ifPresent(found::add);
                }
                if (found.size() == names.size()) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return null;
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Stops {@link #await} waiting. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by lock. */
    private boolean inService(RegisteredHandler h) {
        BooleanSupplier test = inServiceTests.get(h.handler());
        try {
            return test == null || test.getAsBoolean();
        } catch (RuntimeException e) {
            // The worker must survive whatever a provider test throws; a provider we cannot ask is not used.
            LOG.warn("handler {} left out of this request: its provider could not be checked: {}", h, e.toString());
            return false;
        }
    }

    /** Guarded by lock. */
    private void publish() {
        List<RegisteredHandler> next = new ArrayList<>(registrations.values());
        next.sort(RegisteredHandler.CHAIN);
        chain = List.copyOf(next);
        plans = plans(chain);
        changed.signalAll();
    }

    private static Map<Operation, ChainWalk.Plan> plans(List<RegisteredHandler> chain) {
        Map<Operation, ChainWalk.Plan> out = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            List<RegisteredHandler> taking = chain.stream().filter(h -> h.takesPart(op)).toList();
            List<RegisteredHandler> ordered = new ArrayList<>(taking.size());
            for (PhaseRule rule : PhaseRule.values()) {
                ordered.addAll(rule.handlers(taking, op));
            }
            out.put(op, ChainWalk.Plan.of(ordered));
        }
        return out;
    }
}
