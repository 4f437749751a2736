/**
 * The simulated machine's controls (fault injection, firmware events), for tests and demos only:
 * product bundles depend on the framework API and never on this package.
 */
@Export
@Version("1.1.0")
package org.syshotplug.platform.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
