package com.claromentis.keycloak.it.browser;

import com.claromentis.keycloak.testing.Chromium;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@RealKeycloak
@DisplayName("Given a realm with both claromentis themes and a read-only directory with the openldap preset, in a real Chromium")
class AccountConsoleThemeInChromiumIT {

    private static EmbeddedLdap ldap;
    private static Chromium chromium;

    @BeforeAll
    static void setUp(TestRealm realm) {
        ldap = EmbeddedLdap.builder("dc=example,dc=test").ldif("ldap/small-org.ldif").start();
        LdapFederation federation = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ldap.url(),
                ldap.bindDn(), ldap.bindPassword(), "ou=people,dc=example,dc=test");
        // The preset declares the Claromentis fields in the user profile and maps title, office and department.
        realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + federation.id() + "/preset/openldap");
        RealmRepresentation representation = realm.representation();
        representation.setLoginTheme("claromentis");
        representation.setAccountTheme("claromentis");
        realm.update(representation);
        chromium = Chromium.start();
    }

    @AfterAll
    static void tearDown() {
        if (chromium != null) {
            chromium.close();
        }
        if (ldap != null) {
            ldap.close();
        }
    }

    @Nested
    @DisplayName("when a member of staff signs in to their account")
    class PersonalInfo {

        @Test
        @DisplayName("then the console carries the Claromentis name and logo, and shows their directory job title, office and department read-only")
        void claromentisFieldsReadOnly(TestRealm realm) {
            WebDriver browser = chromium.driver();
            browser.get(realm.realmUrl() + "/account/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("alice");
            browser.findElement(By.id("password")).sendKeys("Alice-Pass-1");
            browser.findElement(By.id("kc-login")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("jobTitle")));
            chromium.screenshot(Path.of("target/screenshots/sign-in/account-personal-info.png"));

            assertThat(browser.getTitle()).isEqualTo("Claromentis account");
            assertThat(browser.findElement(By.cssSelector("img[src$='img/claromentis-logo.svg']")).getAttribute("alt"))
                    .isNotBlank();
            assertThat(browser.getPageSource()).contains("css/claromentis-account.css");
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("Job title").contains("Department");
            for (String field : new String[] {"jobTitle", "office", "department"}) {
                WebElement input = browser.findElement(By.id(field));
                assertThat(input.getAttribute("readonly") != null || !input.isEnabled()).as(field + " is read-only").isTrue();
            }
            assertThat(browser.findElement(By.id("jobTitle")).getAttribute("value")).isEqualTo("Head of Engineering");
            assertThat(browser.findElement(By.id("office")).getAttribute("value")).isEqualTo("London");
        }
    }
}
