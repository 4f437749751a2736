/**
 * Access to the kernel's files (sysfs, procfs device tree) through one service, so that the
 * handlers run unchanged on a real kernel, on a captured fixture tree and on the simulated machine.
 * 2.0.0: {@code MachineControl} (the simulator's fault injection) left the API for the platform bundle.
 */
@Export
@Version("2.0.0")
package org.syshotplug.platform;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
