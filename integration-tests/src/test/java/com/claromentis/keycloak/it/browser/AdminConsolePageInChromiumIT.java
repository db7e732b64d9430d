package com.claromentis.keycloak.it.browser;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.testing.Accessibility;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.ThemedChromium;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RealKeycloak
@DisplayName("Given a realm with provisioning, a directory, a social provider, an Entra tenant and the claromentis admin theme, in a real Chromium")
class AdminConsolePageInChromiumIT {

    private static final String TENANT = "5b2c9a41-7d3e-4f6a-9c1b-2e8d4f0a6b17";
    private static final String DIRECTORY_NAME = "<b id=\"evil\">Head office</b> directory";
    private static final String PASSWORD = "Console-Pass-1!";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final ThemedChromium chromium = ThemedChromium.loginTheme().withAdminTheme()
            .withDirectory("ldap/small-org.ldif");

    private static OutboxFixture outbox;

    @BeforeAll
    static void setUp(TestRealm realm) {
        outbox = OutboxFixture.provisioning(realm);
        RealmRepresentation representation = realm.representation();
        Map<String, String> attributes = new HashMap<>(representation.getAttributes() == null ? Map.of()
                : representation.getAttributes());
        attributes.put("claromentis.entra.tenant", TENANT);
        representation.setAttributes(attributes);
        representation.setAdminEventsEnabled(true);
        realm.update(representation);
        realm.admin().post(realm.adminPath() + "/identity-provider/instances", Map.of("alias", "google",
                "providerId", "google", "enabled", true, "config", Map.of("clientId", "console-test",
                        "clientSecret", "not-a-real-secret")));

        // An administrator's free text, shown on the page: it must read as typed, never become markup.
        String path = realm.adminPath() + "/components/" + chromium.federation().id();
        ComponentRepresentation directory = realm.admin().get(path, ComponentRepresentation.class);
        directory.setName(DIRECTORY_NAME);
        realm.admin().put(path, directory);
        assertThat(chromium.federation().syncAllUsers().path("added").asInt()).isPositive();
        chromium.federation().syncChangedUsers();

        // Claromentis refuses a job title this long (400): the change becomes a dead letter at its first attempt.
        realm.createUser("bad.actor", PASSWORD, Map.of("jobTitle", List.of("x".repeat(1200))));
        await().atMost(PATIENCE).until(() -> outbox.summary().path("dead").asLong() == 1);

        realm.grantRealmManagementRole(realm.createUser("console.admin", PASSWORD, Map.of()), "realm-admin");
        String helpdesk = realm.createUser("helpdesk", PASSWORD, Map.of());
        realm.grantRealmManagementRole(helpdesk, "view-users");
        realm.grantRealmManagementRole(helpdesk, "query-users");
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @DisplayName("when a realm administrator opens Claromentis in the console's navigation")
    class RealmAdministrator {

        @Test
        @Order(1)
        @DisplayName("then the page shows the tenant, the guarded providers, the outbox with its dead letter and the directory's syncs")
        void showsTheState(TestRealm realm) {
            WebDriver browser = openPage(realm, "console.admin");
            chromium.screenshot(Path.of("target/screenshots/admin-console/claromentis-page.png"));

            assertThat(text(browser, "entra-tenant")).isEqualTo(TENANT);
            assertThat(text(browser, "entra-guests")).isEqualTo("refused");
            assertThat(browser.findElement(By.cssSelector("[data-testid='provider-google']")).getText())
                    .contains("google").contains("social").contains("guarded");
            assertThat(text(browser, "outbox-enabled")).isEqualTo("on");
            assertThat(text(browser, "outbox-dead")).isEqualTo("1");
            assertThat(text(browser, "outbox-last-error")).contains("CREATE of bad.actor").contains("400");
            assertThat(browser.findElement(By.cssSelector("[data-testid='dead-letters-table']")).getText())
                    .contains("bad.actor");
            String syncs = browser.findElement(By.cssSelector("[data-testid='syncs-table']")).getText();
            assertThat(syncs).contains(DIRECTORY_NAME).contains("ldap").contains("success").contains("added");
            assertThat(browser.findElements(By.id("evil"))).as("the provider name became markup").isEmpty();
            assertThat(text(browser, "people-api-url")).isEqualTo(outbox.sandbox.baseUrl());
        }

        @Test
        @Order(2)
        @DisplayName("then the page passes the accessibility checks of the themes")
        void accessible(TestRealm realm) {
            WebDriver browser = openPage(realm, "console.admin");

            Accessibility.assertAccessible(browser, "en");
        }

        @Test
        @Order(3)
        @DisplayName("and tests the People API connection, then it reads that Claromentis answered")
        void testConnection(TestRealm realm) {
            WebDriver browser = openPage(realm, "console.admin");
            long before = outbox.requests("GET /users");

            browser.findElement(By.cssSelector("[data-testid='test-connection']")).click();

            rendered(browser).until(d -> text(d, "test-connection-result").startsWith("Connected"));
            assertThat(outbox.requests("GET /users")).isGreaterThan(before);
            chromium.screenshot(Path.of("target/screenshots/admin-console/claromentis-test-connection.png"));
        }

        @Test
        @Order(4)
        @DisplayName("and discards the dead letter with two clicks, then it is gone and the discard is an admin event")
        void discard(TestRealm realm) {
            WebDriver browser = openPage(realm, "console.admin");
            long id = outbox.summary().path("lastError").path("id").asLong();
            By discard = By.cssSelector("[data-testid='discard-" + id + "']");

            browser.findElement(discard).click();
            assertThat(browser.findElement(discard).getText()).contains("click again");
            assertThat(outbox.summary().path("dead").asLong()).as("one click discards nothing").isEqualTo(1);
            browser.findElement(discard).click();

            // The page is drawn afresh after the discard: the old figures go stale while it is.
            rendered(browser).until(d -> "0".equals(text(d, "outbox-dead")));
            assertThat(outbox.summary().path("dead").asLong()).isZero();
            JsonNode events = realm.admin().get(realm.adminPath() + "/admin-events?operationTypes=DELETE");
            assertThat(StreamSupport.stream(events.spliterator(), false)
                    .filter(e -> "CLAROMENTIS_OUTBOX".equals(e.path("resourceType").asText()))
                    .map(e -> e.path("authDetails").path("userId").asText()))
                    .containsExactly(realm.findUser("console.admin").orElseThrow().getId());
        }
    }

    @Nested
    @DisplayName("when a help-desk user who may only view users signs in to the console")
    class HelpDesk {

        @Test
        @DisplayName("then the navigation has no Claromentis entry, the page's address shows a refusal and no state")
        void cannotSeeIt(TestRealm realm) {
            WebDriver browser = signIn(realm, "helpdesk");
            WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-item-users")));

            assertThat(browser.findElements(By.id("nav-item-claromentis"))).isEmpty();
            browser.get(consoleUrl(realm) + "#/" + realm.name() + "/claromentis");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("claromentis-console-page")));
            chromium.screenshot(Path.of("target/screenshots/admin-console/claromentis-page-refused.png"));

            assertThat(browser.findElement(By.id("claromentis-console-page")).getText()).contains("view-realm");
            assertThat(browser.findElements(By.cssSelector("[data-testid='entra-tenant']"))).isEmpty();
            assertThat(browser.findElements(By.id("nav-item-claromentis"))).isEmpty();
        }
    }

    private static WebDriver openPage(TestRealm realm, String username) {
        WebDriver browser = signIn(realm, username);
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("nav-item-claromentis"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid='syncs-table']")));
        assertThat(browser.getCurrentUrl()).endsWith("#/" + realm.name() + "/claromentis");
        return browser;
    }

    private static WebDriver signIn(TestRealm realm, String username) {
        WebDriver browser = chromium.driver();
        // The sign-in cookies live under /realms/{realm}/: only a page there can delete them.
        browser.get(realm.realmUrl() + "/");
        browser.manage().deleteAllCookies();
        browser.get(consoleUrl(realm));
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("kc-login")).click();
        return browser;
    }

    private static String consoleUrl(TestRealm realm) {
        return realm.server().baseUrl() + "/admin/" + realm.name() + "/console/";
    }

    /** Waits that read the page while it may be drawing itself again. */
    private static WebDriverWait rendered(WebDriver browser) {
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static String text(WebDriver browser, String testId) {
        return browser.findElement(By.cssSelector("[data-testid='" + testId + "']")).getText();
    }

}
