package com.claromentis.keycloak.it.browser;

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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm with both claromentis themes and a read-only directory with the openldap preset, in a real Chromium")
class AccountConsoleThemeInChromiumIT {

    @RegisterExtension
    static final ThemedChromium chromium = ThemedChromium.loginTheme().withAccountTheme()
            .withDirectory("ldap/small-org.ldif");

    @BeforeAll
    static void setUp(TestRealm realm) {
        // The preset declares the Claromentis fields in the user profile and maps title, office, department and manager.
        realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + chromium.federation().id()
                + "/preset/openldap");
    }

    @Nested
    @DisplayName("when a member of staff whose directory entry names a manager signs in to their account")
    class PersonalInfo {

        @BeforeEach
        void signedIn(TestRealm realm) {
            WebDriver browser = chromium.driver();
            browser.manage().deleteAllCookies();
            browser.get(realm.realmUrl() + "/account/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("bob");
            browser.findElement(By.id("password")).sendKeys("Bob-Pass-1");
            browser.findElement(By.id("kc-login")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("manager")));
        }

        @Test
        @DisplayName("then the console carries the Claromentis name, logo and styles")
        void branded() {
            WebDriver browser = chromium.driver();

            assertThat(browser.getTitle()).isEqualTo("Claromentis account");
            assertThat(browser.findElement(By.cssSelector("img[src$='img/claromentis-logo.svg']")).getAttribute("alt"))
                    .isEqualTo("Claromentis");
            assertThat(browser.getPageSource()).contains("css/claromentis-account.css");
        }

        @Test
        @DisplayName("then their job title, office, department and manager from the directory are shown, each read-only")
        void claromentisFieldsReadOnly() {
            WebDriver browser = chromium.driver();
            chromium.screenshot(Path.of("target/screenshots/sign-in/account-personal-info.png"));

            assertThat(browser.findElement(By.tagName("body")).getText())
                    .contains("Job title").contains("Office").contains("Department").contains("Manager");
            assertThat(browser.findElement(By.id("jobTitle")).getAttribute("value")).isEqualTo("Engineer");
            assertThat(browser.findElement(By.id("office")).getAttribute("value")).isEqualTo("Manchester");
            assertThat(browser.findElement(By.id("department")).getAttribute("value")).isEqualTo("Engineering");
            // The manager's Claromentis username, read from the entry the directory's manager DN names.
            assertThat(browser.findElement(By.id("manager")).getAttribute("value")).isEqualTo("alice");
            for (String field : List.of("jobTitle", "office", "department", "manager")) {
                WebElement input = browser.findElement(By.id(field));
                assertThat(input.isDisplayed()).as(field + " is visible").isTrue();
                assertThat(input.getAttribute("readonly") != null || !input.isEnabled()).as(field + " is read-only").isTrue();
            }
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                    browser.findElement(By.id("manager")));
            chromium.screenshot(Path.of("target/screenshots/sign-in/account-personal-info-manager.png"));
        }

        @Test
        @DisplayName("then the personal info page passes the accessibility checks: language, labels, alt texts, names, contrast and focus order")
        void accessible() {
            WebDriver browser = chromium.driver();

            Accessibility.assertAccessible(browser, "en");
            // The masthead, then the navigation, then the page. The directory's fields are disabled inputs
            // (keycloak.v3 renders read-only attributes so), which the keyboard passes over.
            Accessibility.assertFocusOrder(browser, List.of("#nav-toggle", ".pf-v5-c-masthead__brand",
                    "[data-testid=options-toggle]", ".pf-v5-c-nav__link.pf-m-current", "#general"));
        }
    }
}
