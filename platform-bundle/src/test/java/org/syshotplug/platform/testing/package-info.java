/**
 * Test doubles shared by the bundles' tests through platform-bundle's test-jar (type {@code test-jar},
 * scope test): one copy instead of one a module. Not shipped: test sources are not part of the bundle.
 */
package org.syshotplug.platform.testing;
