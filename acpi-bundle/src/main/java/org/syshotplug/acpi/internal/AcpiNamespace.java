package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.syshotplug.api.DeviceRef;

/** The ACPI device objects the kernel enumerated, as a tree, with lookups by kernel name and namespace path. */
public final class AcpiNamespace {

    private final Map<String, AcpiObject> byName;
    private final Map<String, AcpiObject> byPath = new LinkedHashMap<>();
    private final Map<String, List<AcpiObject>> children = new LinkedHashMap<>();

    public AcpiNamespace(List<AcpiObject> objects) {
        Map<String, AcpiObject> names = new TreeMap<>();
        for (AcpiObject o : objects) {
            names.put(o.name(), o);
        }
        this.byName = Collections.unmodifiableMap(names);
        for (AcpiObject o : names.values()) {
            if (o.path() != null) {
                byPath.putIfAbsent(o.path(), o);
            }
            if (o.parent() != null && names.containsKey(o.parent())) {
                children.computeIfAbsent(o.parent(), k -> new ArrayList<>()).add(o);
            }
        }
    }

    /** Every object, sorted by kernel name. */
    public List<AcpiObject> objects() {
        return List.copyOf(byName.values());
    }

    public Optional<AcpiObject> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The object a request target names: an {@code acpi} or {@code container} device whose id is a
     * kernel name ({@code ACPI0004:00}) or a namespace path ({@code \_SB_.CON0}).
     */
    public Optional<AcpiObject> find(DeviceRef target) {
        String id = target.id();
        if (id.startsWith("\\")) {
            return Optional.ofNullable(byPath.get(id));
        }
        return byName(id);
    }

    /** The objects whose parent is not in the namespace (normally just {@code LNXSYSTM:00}). */
    public List<AcpiObject> roots() {
        return byName.values().stream().filter(o -> o.parent() == null || !byName.containsKey(o.parent())).toList();
    }

    public List<AcpiObject> children(AcpiObject parent) {
        return List.copyOf(children.getOrDefault(parent.name(), List.of()));
    }

    /** The object and everything below it, parents before children. */
    public List<AcpiObject> subtree(AcpiObject top) {
        List<AcpiObject> out = new ArrayList<>();
        collect(top, out);
        return out;
    }

    /**
     * The OS devices that go with the object: its own and those of every present object below it, in
     * order, once each.
     */
    public List<DeviceRef> ownedDevices(AcpiObject top) {
        Set<DeviceRef> out = new LinkedHashSet<>();
        for (AcpiObject o : subtree(top)) {
            // An empty slot (status 0) owns nothing, whatever a stale link may still say.
            if (o.status().present()) {
                out.addAll(o.owned());
            }
        }
        return List.copyOf(out);
    }

    /** The nearest object at or above this one that the kernel can eject, if any. */
    public Optional<AcpiObject> ejectableAncestor(AcpiObject o) {
        AcpiObject cur = o;
        Set<String> seen = new LinkedHashSet<>();
        while (cur != null && seen.add(cur.name())) {
            if (cur.ejectable()) {
                return Optional.of(cur);
            }
            cur = cur.parent() == null ? null : byName.get(cur.parent());
        }
        return Optional.empty();
    }

    /** True if {@code ancestor} is a proper ancestor of {@code o}. */
    public boolean isBelow(AcpiObject o, AcpiObject ancestor) {
        Set<String> seen = new LinkedHashSet<>();
        String p = o.parent();
        while (p != null && seen.add(p)) {
            if (p.equals(ancestor.name())) {
                return true;
            }
            AcpiObject next = byName.get(p);
            p = next == null ? null : next.parent();
        }
        return false;
    }

    /** The ACPI object that owns an OS device ({@code cpu:2} → {@code ACPI0007:02}), if any does. */
    public Optional<AcpiObject> ownerOf(DeviceRef device) {
        return byName.values().stream().filter(o -> o.status().present() && o.owned().contains(device)).findFirst();
    }

    private void collect(AcpiObject o, List<AcpiObject> out) {
        if (out.contains(o)) {
            return;
        }
        out.add(o);
        for (AcpiObject c : children.getOrDefault(o.name(), List.of())) {
            collect(c, out);
        }
    }
}
