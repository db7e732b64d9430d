package com.claromentis.keycloak.it.browser;

import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.ThemedChromium;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm with the claromentis theme and a directory, in a real Chromium")
class LoginPageInChromiumIT {

    @RegisterExtension
    static final ThemedChromium chromium = ThemedChromium.loginTheme().withDirectory("ldap/small-org.ldif");

    @Nested
    @DisplayName("when a member of staff opens their account page and signs in")
    class SignIn {

        @Test
        @DisplayName("then they see the Claromentis sign-in page, then their account with their directory name")
        void signsInToTheAccountConsole(TestRealm realm) {
            WebDriver browser = chromium.driver();
            browser.get(realm.realmUrl() + "/account/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));

            assertThat(browser.getPageSource()).contains("Sign in to Claromentis");
            chromium.screenshot(Path.of("target/screenshots/claromentis-login.png"));

            browser.findElement(By.id("username")).sendKeys("alice");
            browser.findElement(By.id("password")).sendKeys("Alice-Pass-1");
            browser.findElement(By.id("kc-login")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Alice Archer"));
            chromium.screenshot(Path.of("target/screenshots/account-console.png"));

            assertThat(browser.getCurrentUrl()).startsWith(realm.realmUrl() + "/account");
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("Alice Archer");
        }
    }
}
