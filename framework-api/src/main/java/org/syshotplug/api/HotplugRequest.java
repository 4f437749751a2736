package org.syshotplug.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One hot-plug request: an operation on one or more devices, with options. Immutable and validated
 * at construction, so a request that exists is one the sequencer can run.
 *
 * <p>Parameters carry what the targets alone cannot say: {@code count} and {@code size} for
 * wildcard targets ({@code memory:*} with {@code size=2G}), {@code zone} for memory online. Keys are
 * lower-case words; values are short printable strings.
 */
public final class HotplugRequest {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9.-]{0,31}");
    // A user name, a host, "uid:0", "alice@127.0.0.1": printable, no white space, no separators a journal or log line could be split on.
    private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9._@:+-]{1,128}");
    private static final Pattern PARAMETER_KEY = Pattern.compile("[a-z][a-z0-9._-]{0,31}");
    private static final int MAX_TARGETS = 65_536;
    private static final int MAX_PARAMETER_LENGTH = 256;

    private final String id;
    private final Operation operation;
    private final List<DeviceRef> targets;
    private final boolean force;
    private final boolean dryRun;
    private final Duration deadline;
    private final String origin;
    private final String principal;
    private final Map<String, String> parameters;

    private HotplugRequest(Builder b) {
        if (b.operation == null) {
            throw new IllegalArgumentException("operation is null: expected one of add, remove, online, offline");
        }
        if (b.targets.isEmpty()) {
            throw new IllegalArgumentException("a " + b.operation.word() + " request needs at least one target device");
        }
        if (b.targets.size() > MAX_TARGETS) {
            throw new IllegalArgumentException("a request may name at most " + MAX_TARGETS + " devices, not " + b.targets.size());
        }
        Set<DeviceRef> seen = new HashSet<>();
        for (DeviceRef d : b.targets) {
            if (d == null) {
                throw new IllegalArgumentException("target list contains null");
            }
            if (!seen.add(d)) {
                throw new IllegalArgumentException("device " + d + " is named twice in one request");
            }
        }
        String theId = b.id != null ? b.id : UUID.randomUUID().toString().substring(0, 8);
        if (!ID.matcher(theId).matches()) {
            throw new IllegalArgumentException("invalid request id '" + DeviceRef.printable(theId)
                    + "': expected 1-64 letters, digits, '.', '_' or '-'");
        }
        if (!ORIGIN.matcher(b.origin).matches()) {
            throw new IllegalArgumentException("invalid origin '" + DeviceRef.printable(b.origin)
                    + "': expected a lower-case word such as shell, api, acpi, dlpar");
        }
        if (!PRINCIPAL.matcher(b.principal).matches()) {
            throw new IllegalArgumentException("invalid principal '" + DeviceRef.printable(b.principal)
                    + "': expected 1-128 letters, digits or . _ @ : + -");
        }
        if (b.deadline != null && (b.deadline.isNegative() || b.deadline.isZero())) {
            throw new IllegalArgumentException("deadline must be positive, not " + b.deadline);
        }
        for (Map.Entry<String, String> e : b.parameters.entrySet()) {
            if (!PARAMETER_KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("invalid parameter name '" + DeviceRef.printable(e.getKey())
                        + "': expected a lower-case word such as count, size, zone");
            }
            String v = e.getValue();
            if (v == null || v.length() > MAX_PARAMETER_LENGTH || v.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("invalid value for parameter '" + e.getKey() + "': '"
                        + DeviceRef.printable(v) + "' (at most " + MAX_PARAMETER_LENGTH + " printable characters)");
            }
        }
        this.id = theId;
        this.operation = b.operation;
        this.targets = List.copyOf(b.targets);
        this.force = b.force;
        this.dryRun = b.dryRun;
        this.deadline = b.deadline;
        this.origin = b.origin;
        this.principal = b.principal;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
    }

    public static Builder builder(Operation operation) {
        return new Builder().operation(operation);
    }

    public static HotplugRequest of(Operation operation, DeviceRef... targets) {
        return builder(operation).targets(List.of(targets)).build();
    }

    /** A builder holding this request's values, for a variant (a new id is drawn unless set). */
    public Builder toBuilder() {
        Builder b = builder(operation).targets(targets).force(force).dryRun(dryRun).deadline(deadline).origin(origin)
                .principal(principal);
        parameters.forEach(b::parameter);
        return b;
    }

    public String id() {
        return id;
    }

    public Operation operation() {
        return operation;
    }

    public List<DeviceRef> targets() {
        return targets;
    }

    /** Skip overridable validate vetoes (never an execute failure). Honoured for remove and offline. */
    public boolean force() {
        return force;
    }

    /** Run validate only: nothing on the system changes. */
    public boolean dryRun() {
        return dryRun;
    }

    /** The per-handler-call deadline for this request, or null for the sequencer's configured one. */
    public Duration deadline() {
        return deadline;
    }

    /** Who asked: {@code shell}, {@code api}, {@code acpi}, {@code dlpar}, ... */
    public String origin() {
        return origin;
    }

    /**
     * Who asked: the authenticated user of a remote front door ({@code alice}), the local user of the
     * shell ({@code uid:0}), or {@code local} where nobody is known (the embedding API, firmware events).
     */
    public String principal() {
        return principal;
    }

    public Map<String, String> parameters() {
        return parameters;
    }

    public String parameter(String key) {
        return parameters.get(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HotplugRequest r && r.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id + " " + operation.word() + " " + targets
                + (parameters.isEmpty() ? "" : " " + parameters)
                + (force ? " force" : "") + (dryRun ? " dry-run" : "") + " from " + origin;
    }

    /** Collects a request's parts; {@link #build()} validates them all at once. */
    public static final class Builder {
        private String id;
        private Operation operation;
        private final List<DeviceRef> targets = new ArrayList<>();
        private boolean force;
        private boolean dryRun;
        private Duration deadline;
        private String origin = "api";
        private String principal = "local";
        private final Map<String, String> parameters = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder operation(Operation operation) {
            this.operation = operation;
            return this;
        }

        public Builder target(DeviceRef target) {
            targets.add(target);
            return this;
        }

        public Builder targets(Collection<DeviceRef> all) {
            Objects.requireNonNull(all, "targets");
            targets.addAll(all);
            return this;
        }

        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        public Builder origin(String origin) {
            this.origin = Objects.requireNonNull(origin, "origin");
            return this;
        }

        public Builder principal(String principal) {
            this.principal = Objects.requireNonNull(principal, "principal");
            return this;
        }

        public Builder parameter(String key, String value) {
            parameters.put(Objects.requireNonNull(key, "parameter name"), value);
            return this;
        }

        public HotplugRequest build() {
            return new HotplugRequest(this);
        }
    }
}
