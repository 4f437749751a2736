package org.syshotplug.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds small handler bundles inside a test: one DS component whose class is copied from the test
 * class path, with the hot-plug service properties given, so a test can install, see and uninstall
 * a handler that no module ships. Plain JDK jar writing; the DS descriptor is the XML bnd would write.
 */
public final class TestBundles {

    private final String symbolicName;
    private final Class<?> implementation;
    private final Map<String, String[]> properties = new LinkedHashMap<>();
    private final List<String> references = new ArrayList<>();

    private TestBundles(String symbolicName, Class<?> implementation) {
        this.symbolicName = symbolicName;
        this.implementation = implementation;
    }

    /** A bundle {@code symbolicName} whose one component, named like the bundle, is {@code implementation}. */
    public static TestBundles handler(String symbolicName, Class<?> implementation) {
        return new TestBundles(symbolicName, implementation);
    }

    public TestBundles phase(String phase) {
        properties.put("String:hotplug.phase", new String[] {phase});
        return this;
    }

    public TestBundles priority(int priority) {
        properties.put("Integer:hotplug.priority", new String[] {Integer.toString(priority)});
        return this;
    }

    public TestBundles operations(String... operations) {
        properties.put("String:hotplug.operations", operations);
        return this;
    }

    public TestBundles devices(String... devices) {
        properties.put("String:hotplug.devices", devices);
        return this;
    }

    /** A mandatory static reference injected into a field (DS 1.3), e.g. a test's gate. */
    public TestBundles reference(String field, String type, String target) {
        references.add("  <reference name=\"" + field + "\" interface=\"" + type + "\" field=\"" + field + "\""
                + (target == null ? "" : " target=\"" + target + "\"") + "/>\n");
        return this;
    }

    /** Writes the bundle into the test work folder and returns its {@code file:} location. */
    public String build() throws IOException {
        Path dir = RuntimeOptions.WORK.resolve("test-bundles");
        Files.createDirectories(dir);
        Path jar = dir.resolve(symbolicName + ".jar");
        String classEntry = implementation.getName().replace('.', '/') + ".class";
        String descriptor = "OSGI-INF/" + symbolicName + ".xml";

        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "org.syshotplug.api;version=\"[1.0,2)\",org.syshotplug.spi;version=\"[1.0,2)\"");
        main.putValue("Service-Component", descriptor);
        main.putValue("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.3.0)(!(version>=2.0.0)))\"");

        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(classEntry));
            try (InputStream in = implementation.getClassLoader().getResourceAsStream(classEntry)) {
                if (in == null) {
                    throw new IOException("class file " + classEntry + " not found on the test class path");
                }
                in.transferTo(out);
            }
            out.closeEntry();
            out.putNextEntry(new JarEntry(descriptor));
            out.write(componentXml().getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar.toUri().toString();
    }

    private String componentXml() {
        StringBuilder xml = new StringBuilder()
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"").append(symbolicName)
                .append("\" immediate=\"true\">\n")
                .append("  <implementation class=\"").append(implementation.getName()).append("\"/>\n")
                .append("  <service><provide interface=\"org.syshotplug.spi.HotplugHandler\"/></service>\n");
        properties.forEach((typedName, values) -> {
            String type = typedName.substring(0, typedName.indexOf(':'));
            String name = typedName.substring(typedName.indexOf(':') + 1);
            xml.append("  <property name=\"").append(name).append("\" type=\"").append(type).append('"');
            if (values.length == 1 && !name.equals("hotplug.operations") && !name.equals("hotplug.devices")) {
                xml.append(" value=\"").append(values[0]).append("\"/>\n");
            } else {
                xml.append(">").append(String.join("\n", values)).append("</property>\n");
            }
        });
        references.forEach(xml::append);
        return xml.append("</scr:component>\n").toString();
    }
}
