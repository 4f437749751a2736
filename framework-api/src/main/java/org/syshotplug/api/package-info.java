/**
 * The public contract of SysHotplug: requests, results, the service that runs them, device
 * inventories and event topics.
 */
@Export
@Version("1.1.0")
package org.syshotplug.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
