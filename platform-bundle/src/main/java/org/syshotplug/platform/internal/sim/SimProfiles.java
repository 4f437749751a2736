package org.syshotplug.platform.internal.sim;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a {@link SimProfile} by name: the profiles registered here, then the convention
 * {@code org.syshotplug.platform.internal.sim.<name>.<Name>Profile} (so {@code pseries} is
 * {@code org.syshotplug.platform.internal.sim.pseries.PseriesProfile}, and {@code pseries-qemu}, a
 * variant in the same package, {@code ...sim.pseries.PseriesQemuProfile}), loaded from this bundle.
 */
public final class SimProfiles {

    /**
     * The profiles this bundle ships, for messages and for checking a name without building a machine.
     * The launcher keeps the same list to refuse a bad {@code --profile} before the framework starts.
     */
    public static final List<String> KNOWN = List.of("x86-acpi", "x86-acpi-numa", "x86-acpi-qemu", "pseries", "pseries-qemu");

    private static final Map<String, SimProfile> REGISTERED = new ConcurrentHashMap<>();

    static {
        register(new X86AcpiProfile());
        register(new X86AcpiNumaProfile());
        register(new X86AcpiQemuProfile());
    }

    private SimProfiles() {
    }

    public static void register(SimProfile profile) {
        REGISTERED.put(profile.name(), profile);
    }

    /** The profile called {@code name}; IllegalArgumentException naming the known ones if none. */
    public static SimProfile byName(String name) {
        SimProfile known = REGISTERED.get(name);
        if (known != null) {
            return known;
        }
        if (name != null && name.matches("[a-z][a-z0-9]*(-[a-z][a-z0-9]*)?")) {
            StringBuilder simpleName = new StringBuilder();
            for (String part : name.split("-")) {
                simpleName.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
            String cls = SimProfiles.class.getPackageName() + "." + name.split("-")[0] + "." + simpleName + "Profile";
            try {
                Object p = Class.forName(cls, true, SimProfiles.class.getClassLoader())
                        .getDeclaredConstructor().newInstance();
                if (p instanceof SimProfile profile) {
                    REGISTERED.putIfAbsent(profile.name(), profile);
                    return profile;
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the error naming the known profiles
            }
        }
        throw new IllegalArgumentException("unknown simulated profile '" + name + "': known profiles are "
                + String.join(", ", KNOWN));
    }
}
