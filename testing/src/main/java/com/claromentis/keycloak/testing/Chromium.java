package com.claromentis.keycloak.testing;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's headless Chromium driven through its chromedriver, for what a person sees in a real browser.
 *
 * <p>Nothing is downloaded: when the packages are missing the test fails with the command that installs them.
 */
public final class Chromium implements AutoCloseable {

    public static final String INSTALL_HINT = "apt-get install -y chromium chromium-driver";
    private static final Path BINARY = Path.of(System.getProperty("it.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("it.chromedriver", "/usr/bin/chromedriver"));

    private final WebDriver driver;
    private final Path profile;

    private Chromium(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Chromium start() {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("Headless Chromium is needed for this test but " + BINARY + " or " + DRIVER
                    + " is missing: install it with `" + INSTALL_HINT + "` (.ci/run does)");
        }
        try {
            Path profile = Files.createTempDirectory("chromium-profile");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BINARY.toFile());
            // Without the networking flags Chromium keeps trying to reach Google's services, which this machine refuses.
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--window-size=1280,900", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            WebDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            return new Chromium(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a Chromium profile folder", e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Saves what the browser shows, for a person to look at after the run. */
    public Path screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            return Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save a screenshot to " + file, e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try {
            KeycloakServer.deleteTree(profile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove the Chromium profile " + profile, e);
        }
    }
}
