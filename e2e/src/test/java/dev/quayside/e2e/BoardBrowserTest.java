package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.board.testing.LoopbackConfigSyncer;
import dev.quayside.board.testing.PipelineScript;
import dev.quayside.devstack.common.FreePorts;
import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.launcher.ServiceProcess;
import dev.quayside.events.BuildOutcome;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The board in a real headless browser (Debian's {@code chromium} driven through {@code chromium-driver} by
 * Selenium): the packaged board runs as its own JVM against the real broker, the pipeline's events are published stage
 * by stage, and the page must show the push appear and move through its stages, in order, live. Saves
 * {@code target/screenshots/board.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration STEP = Duration.ofSeconds(20);
    static final String TOKEN = "browser-test-token";

    Path root;
    Path home;
    ServiceProcess board;
    LoopbackConfigSyncer configSyncer;
    PipelineScript script;
    ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are not installed (bin/quayside setup installs them)");
        root = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
        home = Files.createTempDirectory("quayside-board-browser-");
        String bootstrap = KafkaBroker.sharedBootstrapServers();
        script = new PipelineScript(bootstrap);
        configSyncer = LoopbackConfigSyncer.start();
        board = ServiceProcess.start(root, "board", FreePorts.pick(), Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "quayside.board.group-id", "board-browser-test",
                "quayside.board.marathon.poll-interval", "off",
                "quayside.board.config-syncer.url", configSyncer.url(),
                "quayside.operator.token", TOKEN), home.resolve("logs"));
        board.awaitReady(Duration.ofSeconds(90));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(home, "chromium-profile-"), "--window-size=1400,1700");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(home.resolve("chromedriver.log").toFile())
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (board != null) {
            System.out.println(board.logTail(20));
            board.close();
        }
        if (script != null) {
            script.close();
        }
        if (configSyncer != null) {
            configSyncer.close();
        }
    }

    @Test
    void aPushAppearsOnThePageAndMovesThroughItsStagesInOrder() throws Exception {
        String app = PipelineScript.unique("storefront");
        // what ran before: the app live in dev and prod, a second app in dev, an earlier build that failed
        script.chain(app).all("dev", "prod");
        script.chain(PipelineScript.unique("payments")).all("dev");
        PipelineScript.Chain broken = script.chain(app);
        broken.push().queued().started().log("Step 1/2 : FROM scratch", "COPY failed: file not found: busybox")
                .finished(BuildOutcome.FAILURE, "Step 2/2 : COPY failed: file not found: busybox");

        browser.get(board.url() + "/");
        waitFor("the live stream connects", () -> "live".equals(attribute("#connection", "data-state")));
        waitFor("the apps grid shows " + app, () -> !text("tr[data-app='" + app + "']").isEmpty());

        PipelineScript.Chain chain = script.chain(app);
        List<String> seen = new ArrayList<>();
        chain.push();
        String card = "article[data-chain-id='" + chain.id() + "']";
        waitFor("the push appears", () -> !text(card).isEmpty());
        record(card, seen);
        assertThat(stageStates(card)).containsEntry("push", "succeeded").containsEntry("build", "pending");

        chain.queued().started();
        waitForStage(card, "build", "running", seen);
        // the build log, streamed while the build runs
        js("document.querySelector(arguments[0]).click();", card + " a[data-build]");
        chain.log("Step 1/2 : FROM scratch", "Step 2/2 : COPY busybox /bin/busybox");
        waitFor("the build log streams", () -> text("#log").contains("Step 2/2 : COPY busybox /bin/busybox"));
        chain.log("Successfully built 3f2a1c0b9d8e", "Successfully tagged 127.0.0.1:5000/" + app + ":" + chain.commit.substring(0, 12));
        waitFor("a new log line streams", () -> text("#log").contains("Successfully tagged"));

        chain.finished(BuildOutcome.SUCCESS, null);
        waitForStage(card, "build", "succeeded", seen);
        chain.imageBuilt();
        waitForStage(card, "image", "succeeded", seen);
        chain.tagUpdated("dev").configPushed();
        waitForStage(card, "config", "succeeded", seen);
        chain.configSynced("dev");
        waitForStage(card, "sync", "succeeded", seen);
        Thread.sleep(900); // a deployment takes a moment: the bar shows it
        chain.upgraded("dev");
        waitForStage(card, "deploy:dev/" + app, "succeeded", seen);
        waitFor("the chain is live", () -> "live".equals(attribute(card, "data-status")));
        waitFor("the log shows the build finished", () -> text("#log").contains("build finished"));

        assertThat(seen).as("the order in which the page showed each stage done")
                .containsExactly("push", "build", "image", "config", "sync", "deploy:dev/" + app);
        String row = "tr[data-app='" + app + "']";
        waitFor("the grid shows the new commit in dev", () -> text(row + " td[data-env='dev']")
                .contains(chain.commit.substring(0, 7)));
        assertThat(text(row + " td[data-env='prod']")).doesNotContain(chain.commit.substring(0, 7));
        assertThat(text("#failures")).contains("COPY failed");
        assertThat(text(card + " .links")).contains("commit " + chain.commit.substring(0, 7), "config commit",
                "Marathon dev", "build log");

        // suspend the app in prod from its cell, with the operator token typed into the actions form: the page asks
        // why (answered here in the prompt's place), config-syncer (a stand-in) commits it, the cell shows the badge
        js("document.getElementById('sync-token').value = arguments[0];"
                + " window.prompt = function () { return 'incident 42'; };", TOKEN);
        js("document.querySelector(arguments[0]).click();", row + " td[data-env='prod'] button.steer-suspend");
        waitFor("the suspension's commit", () -> text("#steer-result").startsWith("suspended: " + app
                + " in prod (deploy-config, commit 5e1f"));
        waitFor("the suspended badge in prod", () -> text(row + " td[data-env='prod'] .pill.suspended").equals("suspended"));
        assertThat(attribute(row + " td[data-env='prod'] .pill.suspended", "title")).contains("by the board")
                .contains("incident 42");
        assertThat(text(row + " td[data-env='dev']")).doesNotContain("suspended");
        assertThat(text(row + " td[data-env='prod'] button.steer-resume")).isEqualTo("Resume");
        assertThat(configSyncer.requests()).filteredOn(r -> r.method().equals("POST")).singleElement()
                .satisfies(r -> {
                    assertThat(r.path()).isEqualTo("/api/apps/" + app + "/prod/suspend");
                    assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN);
                    assertThat(r.body()).contains("\"reason\":\"incident 42\"").contains("\"by\":\"the board\"");
                });

        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Path shots = root.resolve("e2e/target/screenshots");
        Files.createDirectories(shots);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), shots.resolve("board.png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shots.resolve("board.png"))).isGreaterThan(10_000);
    }

    /** The stages of a chain card and their states, in page order (read in one go: the page redraws as it updates). */
    @SuppressWarnings("unchecked")
    Map<String, String> stageStates(String card) {
        List<List<String>> pairs = (List<List<String>>) js("return Array.from(document.querySelectorAll(arguments[0]"
                + " + ' .track')).map(function (t) { return [t.dataset.stageKey, t.dataset.state]; });", card);
        Map<String, String> states = new LinkedHashMap<>();
        pairs.forEach(p -> states.put(p.get(0), p.get(1)));
        return states;
    }

    /** The visible text of the first element {@code css} selects, or "" when there is none. */
    String text(String css) {
        Object text = js("var e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
        return text == null ? "" : text.toString();
    }

    String attribute(String css, String name) {
        Object value = js("var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
        return value == null ? null : value.toString();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** Adds each stage shown as done (succeeded) that was not seen done before, in page order. */
    void record(String card, List<String> seen) {
        stageStates(card).forEach((key, state) -> {
            if ("succeeded".equals(state) && !seen.contains(key)) {
                seen.add(key);
            }
        });
    }

    void waitForStage(String card, String key, String state, List<String> seen) {
        waitFor(key + " " + state, () -> state.equals(stageStates(card).get(key)));
        record(card, seen);
    }

    void waitFor(String what, java.util.function.BooleanSupplier condition) {
        try {
            new WebDriverWait(browser, STEP, Duration.ofMillis(50)).until(d -> condition.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the page did not show: " + what + " within " + STEP + "\n" + board.logTail(20), e);
        }
    }
}
