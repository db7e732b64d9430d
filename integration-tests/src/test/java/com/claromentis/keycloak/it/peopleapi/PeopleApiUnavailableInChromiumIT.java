package com.claromentis.keycloak.it.peopleapi;

import com.claromentis.keycloak.sandbox.Faults;
import com.claromentis.keycloak.sandbox.SandboxConfig;
import com.claromentis.keycloak.sandbox.SandboxServer;
import com.claromentis.keycloak.sandbox.SandboxUser;
import com.claromentis.keycloak.testing.Accessibility;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.ThemedChromium;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given the claromentis theme and a People API provider that refuses sign-ins it cannot check, in a real Chromium")
class PeopleApiUnavailableInChromiumIT {

    @RegisterExtension
    static final ThemedChromium chromium = ThemedChromium.loginTheme();

    private static SandboxServer sandbox;

    @BeforeAll
    static void setUp(TestRealm realm) throws IOException {
        sandbox = realm.closeWith(SandboxServer.start(SandboxConfig.builder()
                .basicCredentials(PeopleApiComponent.API_USER, PeopleApiComponent.API_PASSWORD).build()));
        PeopleApiComponent.against(sandbox).with("freshnessSeconds", "0").with("whenUnavailable", "refuse")
                .with("maxAttempts", "1").add(realm);
        sandbox.addUser(SandboxUser.builder("nina.new").firstname("Nina").surname("New").email("nina@example.org").build());
        sandbox.faults().outage(Faults.Outage.STATUS_503);
    }

    @Nested
    @DisplayName("when someone signs in while Claromentis answers 503")
    class Outage {

        @BeforeEach
        void signInDuringTheOutage(TestRealm realm) {
            WebDriver browser = chromium.driver();
            browser.manage().deleteAllCookies();
            browser.get(realm.realmUrl() + "/account/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("nina.new");
            browser.findElement(By.id("password")).sendKeys("Nina-Pass-1");
            browser.findElement(By.id("kc-login")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("claromentis-refusal")));
        }

        @Test
        @DisplayName("then they see the unavailable page (503) with a reference code that is in the server's log line, and 'Back to sign-in' leads to the sign-in form")
        void unavailablePage(TestRealm realm) throws IOException {
            WebDriver browser = chromium.driver();
            chromium.screenshot(Path.of("target/screenshots/sign-in/refused-claromentis-unavailable.png"));

            assertThat(((JavascriptExecutor) browser).executeScript(
                    "return performance.getEntriesByType('navigation')[0].responseStatus")).isEqualTo(503L);
            assertThat(browser.findElement(By.id("kc-page-title")).getText()).isEqualTo("Claromentis is temporarily unavailable");
            assertThat(browser.findElement(By.id("claromentis-refusal-message")).getText())
                    .isEqualTo("Claromentis is not reachable right now. Please try again in a few minutes.");
            String code = browser.findElement(By.id("claromentis-refusal-reference")).getText();
            assertThat(Files.readString(realm.server().logFile()))
                    .contains("Sign-in refused (claromentis-unavailable), reference " + code + ":");
            assertThat(browser.getPageSource()).doesNotContain("Exception");

            // Trying again can go differently once Claromentis is back: the page leads to the sign-in form.
            browser.findElement(By.id("claromentis-refusal-retry")).click();
            new WebDriverWait(browser, Duration.ofSeconds(60))
                    .until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-form-login")));
            assertThat(browser.findElements(By.id("claromentis-refusal"))).isEmpty();
        }

        @Test
        @DisplayName("then the unavailable page passes the accessibility checks: language, labels, alt texts, focus order and contrast")
        void accessible() {
            WebDriver browser = chromium.driver();

            Accessibility.assertAccessible(browser, "en");
            Accessibility.assertFocusOrder(browser, List.of("#claromentis-refusal-retry"));
        }
    }
}
