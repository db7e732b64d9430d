package com.claromentis.keycloak.it.browser;

import com.claromentis.keycloak.it.broker.SimpleSamlPhpProvider;
import com.claromentis.keycloak.testing.Chromium;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.SimpleSamlPhp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm signing in through SimpleSAMLphp with the ADFS preset, in a real Chromium")
class SamlSignInInChromiumIT {

    private static final String ALIAS = "corp-adfs";
    private static final String CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    private static Chromium chromium;

    @BeforeAll
    static void setUp(TestRealm realm) {
        SimpleSamlPhp idp = SimpleSamlPhpProvider.connect(realm, ALIAS, "Sign in with Corp AD FS");
        SimpleSamlPhpProvider.applyPreset(realm.admin(), realm, ALIAS, "adfs");
        idp.person("sam.chrome", "Sam-Pass-1", Map.of(
                CLAIMS + "name", List.of("sam.chrome"),
                CLAIMS + "emailaddress", List.of("sam.chrome@corp.example"),
                CLAIMS + "givenname", List.of("Samira"),
                CLAIMS + "surname", List.of("Chrome"),
                CLAIMS + "jobtitle", List.of("Engineer")));
        chromium = Chromium.start();
    }

    @AfterAll
    static void tearDown() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Nested
    @DisplayName("when an employee opens their account page and chooses the company sign-in")
    class SignIn {

        @Test
        @DisplayName("then the identity provider's form signs them in and they land in their account with their name")
        void signsInThroughTheIdentityProvider(TestRealm realm) {
            WebDriver browser = chromium.driver();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            browser.get(realm.realmUrl() + "/account/");
            wait.until(ExpectedConditions.elementToBeClickable(By.id("social-" + ALIAS)));
            assertThat(browser.findElement(By.id("social-" + ALIAS)).getText()).contains("Sign in with Corp AD FS");
            chromium.screenshot(Path.of("target/screenshots/saml-login-button.png"));

            browser.findElement(By.id("social-" + ALIAS)).click();
            try {
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password")));
            } catch (org.openqa.selenium.TimeoutException e) {
                chromium.screenshot(Path.of("target/screenshots/saml-idp-form-missing.png"));
                throw new AssertionError("No password field at " + browser.getCurrentUrl() + ":\n" + browser.getPageSource(), e);
            }
            assertThat(browser.getCurrentUrl()).startsWith(SimpleSamlPhp.shared().baseUrl());
            chromium.screenshot(Path.of("target/screenshots/saml-idp-form.png"));
            browser.findElement(By.id("username")).sendKeys("sam.chrome");
            browser.findElement(By.id("password")).sendKeys("Sam-Pass-1");
            browser.findElement(By.id("password")).submit();

            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Samira Chrome"));
            chromium.screenshot(Path.of("target/screenshots/saml-account-console.png"));
            assertThat(browser.getCurrentUrl()).startsWith(realm.realmUrl() + "/account");
            assertThat(realm.findUser("sam.chrome").orElseThrow().getAttributes()).containsEntry("jobTitle", List.of("Engineer"));
        }
    }
}
