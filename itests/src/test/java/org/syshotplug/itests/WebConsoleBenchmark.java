package org.syshotplug.itests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The figures of benchmarks/README.md "Web console" (not a test: runs only with
 * {@code -Dsyshotplug.bench.web=true}): the console in headless chromium on a simulated machine of
 * 1,024 CPUs and 8,192 memory blocks, measured by the browser's own clock (navigation timing for the
 * page, performance marks from the login click to the complete map).
 */
class WebConsoleBenchmark {

    static final int RUNS = 6;

    @Test
    void pageLoadWith1024CpusAnd8192MemoryBlocks(@TempDir Path data) throws Exception {
        assumeTrue(Boolean.getBoolean("syshotplug.bench.web"), "a benchmark: run with -Dsyshotplug.bench.web=true");
        WebConsoleTest.assumeBrowserAndDistribution();
        WebConsoleTest.quiet();
        List<String> rows = new ArrayList<>();
        try (WebConsoleTest.Session s = WebConsoleTest.Session.start(data, "x86-acpi",
                Map.of("cpus", 1024, "memoryBlocks", 8192))) {
            WebDriver d = s.driver;
            JavascriptExecutor js = (JavascriptExecutor) d;
            for (int run = 0; run < RUNS; run++) {
                if (run > 0) {
                    d.navigate().refresh();
                }
                s.login("alice");
                s.await().until(x -> d.findElements(By.cssSelector("#cpus [data-device]")).size() == 1024
                        && d.findElements(By.cssSelector("#memory [data-device]")).size() == 8192);
                s.await().until(x -> (Boolean) js.executeScript(
                        "return performance.getEntriesByName('syshotplug-login-to-map').length > 0"));
                @SuppressWarnings("unchecked")
                List<Number> t = (List<Number>) js.executeScript("const n = performance.getEntriesByType('navigation')[0];"
                        + "const r = (end) => performance.getEntriesByType('resource').filter((e) => e.name.endsWith(end))"
                        + ".map((e) => e.duration).reduce((a, b) => Math.max(a, b), 0);"
                        + "return [n.domContentLoadedEventEnd - n.startTime, n.loadEventEnd - n.startTime,"
                        + " performance.getEntriesByName('syshotplug-login-to-map')[0].duration,"
                        + " r('/api/v1/devices'), r('/api/v1/devices/cpu'), r('/api/v1/devices/memory')];");
                rows.add(String.format("run %d: page DOMContentLoaded %.0f ms, load %.0f ms; login click to complete map %.0f ms"
                        + " (GET devices %.0f ms, devices/cpu %.0f ms, devices/memory %.0f ms)", run + 1,
                        t.get(0).doubleValue(), t.get(1).doubleValue(), t.get(2).doubleValue(), t.get(3).doubleValue(),
                        t.get(4).doubleValue(), t.get(5).doubleValue()));
            }
        }
        System.out.println("web console, 1,024 CPUs and 8,192 memory blocks (run 1 cold):");
        rows.forEach(r -> System.out.println("  " + r));
    }
}
