/**
 * What every bundle's shell commands share so that they read alike: one table formatter (aligned
 * like {@code lsmem}, raw and heading-less like {@code lsmem -r -n}, delimited like
 * {@code lsslot -F}, and as records for JSON), device lists folded into ranges, help text
 * generated from a command's Gogo descriptors, and the principal a request from the shell records.
 * No Gogo or JSON library is needed to use it.
 */
@Export
@Version("1.1.0")
package org.syshotplug.shell;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
