package org.syshotplug.platform.internal.sim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a {@link SimProfile} by name: the profiles registered here, then the convention
 * {@code org.syshotplug.platform.internal.sim.<name>.<Name>Profile} (so {@code pseries} is
 * {@code org.syshotplug.platform.internal.sim.pseries.PseriesProfile}), loaded from this bundle.
 */
public final class SimProfiles {

    private static final Map<String, SimProfile> REGISTERED = new ConcurrentHashMap<>();

    static {
        register(new X86AcpiProfile());
        register(new X86AcpiNumaProfile());
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
        if (name != null && name.matches("[a-z][a-z0-9]*")) {
            String cls = SimProfiles.class.getPackageName() + "." + name + "."
                    + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Profile";
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
                + REGISTERED.keySet() + " and pseries when its package is present");
    }
}
