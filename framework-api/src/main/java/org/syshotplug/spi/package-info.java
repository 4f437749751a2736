/**
 * The handler contract: what a bundle implements to take part in hot-plug requests.
 */
@Export
@Version("1.1.0")
package org.syshotplug.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
