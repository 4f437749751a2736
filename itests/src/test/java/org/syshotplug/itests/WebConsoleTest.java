package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.syshotplug.launcher.Config;
import org.syshotplug.launcher.SysHotplugRuntime;

/**
 * The web console in Debian's headless chromium (through its chromedriver and Selenium) against the
 * assembled distribution on the simulated machine, HTTP on a free loopback port, users made by
 * bin/syshotplug-passwd. Skips with one line where the browser or the distribution is missing.
 */
class WebConsoleTest {

    static final Path DISTRIBUTION = RuntimeOptions.ROOT.resolve("distribution/target/syshotplug");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String PASSWORD = "web console pass phrase";
    static final Path SCREENSHOT = RuntimeOptions.ROOT.resolve("itests/target/web-console-machine.png");

    // Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level.
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.openqa.selenium"),
            Logger.getLogger("org.apache.aries.spifly"));

    @BeforeAll
    static void quiet() throws java.io.IOException {
        // Selenium and SPI Fly log through java.util.logging, the runtime through its Logback: WARN and up only.
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        if (System.getProperty("logback.configurationFile") == null) {
            Path quiet = RuntimeOptions.ROOT.resolve("itests/target/web-console-logback.xml");
            Files.createDirectories(quiet.getParent());
            Files.writeString(quiet, "<configuration><appender name=\"e\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                    + "<encoder><pattern>%level %logger{0} - %msg%n</pattern></encoder></appender>"
                    + "<root level=\"WARN\"><appender-ref ref=\"e\"/></root></configuration>");
            System.setProperty("logback.configurationFile", quiet.toString());
        }
    }

    static void assumeBrowserAndDistribution() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: no /usr/bin/chromium or /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        assumeTrue(Files.isRegularFile(DISTRIBUTION.resolve("bin/syshotplug-passwd")),
                "skipped: the distribution is not built at " + DISTRIBUTION);
    }

    @Test
    void operatorDryRunsAndRunsOfflineOfCpu2AndAViewerCannotSubmit(@TempDir Path data) throws Exception {
        assumeBrowserAndDistribution();
        try (Session s = Session.start(data, "x86-acpi", Map.of())) {
            WebDriver d = s.driver;
            s.login("alice");
            WebDriverWait wait = s.await();
            wait.until(x -> d.findElements(By.cssSelector("#cpus [data-device]")).size() == 4);
            ((JavascriptExecutor) d).executeScript("window.notReloaded = true");

            // A dry run the chain refuses says who refused and why, and leaves Run disabled.
            d.findElement(By.cssSelector("#cpus [data-device='cpu:0']")).click();
            d.findElement(By.id("dry-run")).click();
            WebElement veto = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#explanation .result[data-dry-run='true'] .veto")));
            assertTrue(veto.getText().contains("cpu:0"), veto.getText());
            assertTrue(!d.findElement(By.id("run")).isEnabled(), "no Run after a refused dry run");

            d.findElement(By.cssSelector("#cpus [data-device='cpu:2']")).click();
            assertEquals("cpu:2", d.findElement(By.id("devices")).getAttribute("value"));
            assertEquals("offline", d.findElement(By.id("op")).getAttribute("value"));
            d.findElement(By.id("dry-run")).click();
            WebElement result = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#explanation .result[data-dry-run='true']")));
            String explanation = result.getText();
            assertEquals("DRY_RUN", result.getAttribute("data-outcome"), explanation);
            assertTrue(explanation.contains("org.syshotplug.cpu.validate"), explanation);
            assertTrue(explanation.contains("org.syshotplug.cpu.online"), "the phases after validate too: " + explanation);
            assertTrue(explanation.contains("Run would call these handlers"), explanation);
            assertTrue(result.findElements(By.cssSelector("table.steps tbody tr")).size() > 0, explanation);
            assertEquals("online", s.cpu2State(), "a dry run changes nothing");

            wait.until(ExpectedConditions.elementToBeClickable(By.id("run"))).click();
            wait.until(x -> "offline".equals(s.cpu2State()));
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#explanation .result[data-dry-run='false'][data-outcome='SUCCEEDED']")));
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) d).executeScript("return window.notReloaded === true"),
                    "the map changed without a reload");
            wait.until(x -> d.findElements(By.cssSelector("#history-table tbody tr")).stream()
                    .anyMatch(r -> r.getText().contains("offline cpu:2") && r.getText().contains("SUCCEEDED")
                            && r.getText().contains("alice")));
            WebElement tile = d.findElement(By.cssSelector("#cpus [data-device='cpu:2']"));
            assertTrue(tile.getText().contains("offline"), "the state is written, not only coloured: " + tile.getText());

            // The keyboard reaches the strip and walks it; the block under the cursor is described in words.
            d.findElement(By.id("memory")).sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
            assertTrue(d.findElement(By.id("mem-detail")).getText().startsWith("memory:1: online"),
                    d.findElement(By.id("mem-detail")).getText());

            Files.createDirectories(SCREENSHOT.getParent());
            Files.copy(d.findElement(By.id("machine")).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT,
                    StandardCopyOption.REPLACE_EXISTING);

            ((JavascriptExecutor) d).executeScript("document.getElementById('queue').scrollIntoView()");
            Files.copy(((org.openqa.selenium.TakesScreenshot) d).getScreenshotAs(OutputType.FILE).toPath(),
                    SCREENSHOT.resolveSibling("web-console-submit.png"), StandardCopyOption.REPLACE_EXISTING);

            d.findElement(By.id("logout")).click();
            s.login("victor");
            wait.until(x -> d.findElements(By.cssSelector("#cpus [data-device]")).size() == 4);
            assertTrue(d.findElement(By.id("who-name")).getText().contains("viewer"));
            assertEquals(List.of(), d.findElements(By.cssSelector("#submit, #submit-form, #dry-run, #run, .operator-only")),
                    "a viewer has no submit controls");
            d.findElement(By.cssSelector("#cpus [data-device='cpu:1']")).click();
            assertEquals(List.of(), d.findElements(By.cssSelector("#explanation")));
        }
    }

    @Test
    void pseriesShowsDrcSlotsAndMemoryAddCount2ChangesThemLive(@TempDir Path data) throws Exception {
        assumeBrowserAndDistribution();
        try (Session s = Session.start(data, "pseries", Map.of())) {
            WebDriver d = s.driver;
            s.login("alice");
            WebDriverWait wait = s.await();
            wait.until(x -> !d.findElements(By.cssSelector("#drcs [data-drc]")).isEmpty());
            long before = s.assignedLmbs();
            assertTrue(d.findElements(By.cssSelector("#drcs [data-state='unassigned']")).size() >= 2,
                    "the partition has free LMBs to add");
            HttpResponse<String> r = s.post("{\"operation\":\"add\",\"devices\":[\"memory:*\"],"
                    + "\"params\":{\"resource\":\"memory\",\"count\":\"2\"}}");
            assertEquals(202, r.statusCode(), r.body());
            wait.until(x -> s.assignedLmbs() == before + 2);
            assertTrue(d.findElement(By.id("drc-summary")).getText().contains("assigned"));
            Files.copy(d.findElement(By.id("machine")).getScreenshotAs(OutputType.FILE).toPath(),
                    SCREENSHOT.resolveSibling("web-console-pseries.png"), StandardCopyOption.REPLACE_EXISTING);

            // A narrow screen: one column, nothing wider than the window.
            d.manage().window().setSize(new org.openqa.selenium.Dimension(400, 800));
            wait.until(x -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"));
            Files.copy(((org.openqa.selenium.TakesScreenshot) d).getScreenshotAs(OutputType.FILE).toPath(),
                    SCREENSHOT.resolveSibling("web-console-narrow.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A runtime from the distribution with HTTP on, and a headless chromium pointed at its console. */
    static final class Session implements AutoCloseable {
        final SysHotplugRuntime runtime;
        final URI base;
        final WebDriver driver;

        private Session(SysHotplugRuntime runtime, URI base, WebDriver driver) {
            this.runtime = runtime;
            this.base = base;
            this.driver = driver;
        }

        static Session start(Path data, String profile, Map<String, Object> platform) throws Exception {
            Map<String, Object> http = Map.of("enabled", true, "host", "127.0.0.1", "port", 0,
                    ".users", new String[] {passwd("alice", "operator"), passwd("victor", "viewer")});
            Path deploy = Files.createDirectories(data.resolve("deploy"));
            Config.Builder b = Config.builder().home(DISTRIBUTION).dataDir(data.resolve("data")).deployDir(deploy)
                    .configuration(HttpRuntime.PID, http).profile(profile);
            if (!platform.isEmpty()) {
                b.configuration(Config.PLATFORM_PID, platform);
            }
            SysHotplugRuntime runtime = SysHotplugRuntime.start(b.build());
            WebDriver driver = null;
            try {
                URI base = HttpRuntime.awaitEndpoint(runtime.bundleContext());
                ChromeOptions options = new ChromeOptions();
                options.setBinary(CHROMIUM.toFile());
                options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,800", "--no-first-run", "--disable-extensions");
                ChromeDriverService service = new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort()
                        .withLogOutput(OutputStream.nullOutputStream()).build();
                driver = new ChromeDriver(service, options);
                driver.get(base.resolve("console/").toString());
                return new Session(runtime, base, driver);
            } catch (Exception | Error e) {
                if (driver != null) {
                    driver.quit();
                }
                runtime.close();
                throw e;
            }
        }

        /** A user line from the distribution's own tool, the password given on standard input. */
        static String passwd(String user, String role) throws Exception {
            Process p = new ProcessBuilder(DISTRIBUTION.resolve("bin/syshotplug-passwd").toString(), user, role)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "syshotplug-passwd failed: " + out);
            return out.lines().filter(l -> l.startsWith(user + ":")).findFirst().orElseThrow(() ->
                    new AssertionError("no user line from syshotplug-passwd: " + out));
        }

        /** Waits (polling the page, no sleep) and says what the page showed if it times out. */
        WebDriverWait await() {
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20)) {
                @Override
                protected RuntimeException timeoutException(String message, Throwable cause) {
                    return new org.openqa.selenium.TimeoutException(message + "; the page said: " + shown(), cause);
                }
            };
            // The page re-renders the map on every event: an element found a moment ago may be gone.
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            return wait;
        }

        String shown() {
            try {
                return String.valueOf(((JavascriptExecutor) driver).executeScript(
                        "const t = (id) => { const e = document.getElementById(id); return e ? e.innerText : '(none)'; };"
                                + "return 'status: ' + t('status') + ' | explanation: ' + t('explanation')"
                                + " + ' | login: ' + t('login-error');"));
            } catch (RuntimeException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }

        void login(String user) {
            WebDriverWait wait = await();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user"))).clear();
            driver.findElement(By.id("user")).sendKeys(user);
            driver.findElement(By.id("password")).sendKeys(PASSWORD);
            driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("main")));
        }

        /** Read in one script, so a re-render between finding the tile and reading it cannot intervene. */
        String cpu2State() {
            return (String) ((JavascriptExecutor) driver).executeScript(
                    "const t = document.querySelector(\"#cpus [data-device='cpu:2']\"); return t ? t.dataset.state : null;");
        }

        long assignedLmbs() {
            return driver.findElements(By.cssSelector("#drcs [data-state='assigned']")).size();
        }

        HttpResponse<String> post(String json) throws Exception {
            HttpClient client = HttpClient.newHttpClient();
            return client.send(HttpRequest.newBuilder(base.resolve("api/v1/requests"))
                    .header("Authorization", HttpRuntime.basic("alice", PASSWORD)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws Exception {
            try {
                driver.quit();
            } finally {
                runtime.close();
            }
        }
    }
}
