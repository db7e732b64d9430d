package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.ThemedChromium;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO;
import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO_DOMAIN;
import static com.claromentis.keycloak.it.entra.EntraFixtures.FABRIKAM;
import static com.claromentis.keycloak.it.entra.EntraFixtures.FABRIKAM_DOMAIN;
import static com.claromentis.keycloak.testing.Accessibility.assertAccessible;
import static com.claromentis.keycloak.testing.Accessibility.assertContrast;
import static com.claromentis.keycloak.testing.Accessibility.assertFocusOrder;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in experience in a real browser: the claromentis login theme with the company's sign-in first, a
 * directory user and an Entra user signing in, the refusal pages, the languages, a phone's width and the
 * accessibility checks. Beside the Entra tests because it drives the local Entra simulator.
 */
@RealKeycloak
@DisplayName("Given a realm with the claromentis theme, a directory, Microsoft (Entra ID), a hostile provider name and Google, in a real Chromium")
class SignInThemeInChromiumIT {

    private static final String ENTRA = "contoso";
    private static final String HOSTILE = "hostile-corp";
    private static final String HOSTILE_NAME = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"> Corp";
    private static final String SOCIAL = "evil-social";
    private static final String SOCIAL_NAME = "<b>Evil</b> Social";
    private static final Path SHOTS = Path.of("target/screenshots/sign-in");

    @RegisterExtension
    static final ThemedChromium chromium = ThemedChromium.loginTheme().withDirectory("ldap/small-org.ldif");

    private static EntraSimulator simulator;

    @BeforeAll
    static void setUp(TestRealm realm) {
        simulator = realm.closeWith(EntraFixtures.startSimulator());
        EntraFixtures.enableLoginEvents(realm);
        RealmRepresentation representation = realm.representation();
        representation.setInternationalizationEnabled(true);
        representation.setSupportedLocales(java.util.Set.of("en", "de", "fr"));
        representation.setDefaultLocale("en");
        realm.update(representation);

        // No display name: the button must read "Sign in with Microsoft", not the alias.
        IdentityProviderRepresentation entra = EntraFixtures.entraProvider(ENTRA, CONTOSO, simulator);
        entra.setDisplayName(null);
        assertThat(EntraFixtures.createProvider(realm, entra).statusCode()).isEqualTo(201);
        IdentityProviderRepresentation hostile = EntraFixtures.multiTenantOidcProvider(HOSTILE, simulator);
        hostile.setDisplayName(HOSTILE_NAME);
        assertThat(EntraFixtures.createProvider(realm, hostile).statusCode()).isEqualTo(201);
        IdentityProviderRepresentation google = new IdentityProviderRepresentation();
        google.setAlias("google");
        google.setProviderId("google");
        google.setEnabled(true);
        google.setConfig(new java.util.HashMap<>(Map.of("clientId", "claromentis-test", "clientSecret", "not-used")));
        assertThat(EntraFixtures.createProvider(realm, google).statusCode()).isEqualTo(201);
        assertThat(EntraFixtures.createProvider(realm, socialProvider()).statusCode()).isEqualTo(201);
    }

    @BeforeEach
    @AfterEach
    void freshBrowser() {
        WebDriver browser = chromium.driver();
        browser.manage().deleteAllCookies();
        cdp("Emulation.clearDeviceMetricsOverride", Map.of());
        cdp("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
    }

    @Nested
    @DisplayName("when someone opens the sign-in page")
    class LoginPage {

        @Test
        @DisplayName("then the company's sign-in comes first: Microsoft with its mark, then the password form, Google below")
        void companySignInFirst(TestRealm realm) {
            openLogin(realm, "");
            WebDriver browser = chromium.driver();
            chromium.screenshot(SHOTS.resolve("login.png"));

            WebElement microsoft = browser.findElement(By.id("social-" + ENTRA));
            assertThat(microsoft.getText()).isEqualTo("Sign in with Microsoft");
            assertThat(microsoft.findElements(By.cssSelector("svg rect"))).hasSize(4);
            assertThat(precedes(By.id("claromentis-enterprise-providers"), By.id("kc-form-login"))).isTrue();
            assertThat(precedes(By.id("kc-form-login"), By.id("social-google"))).isTrue();
            assertThat(browser.findElement(By.id("claromentis-personal-providers")).getText())
                    .contains("Or use a personal account").contains("Google");
            assertThat(browser.findElement(By.id("claromentis-enterprise-providers")).findElements(By.id("social-google")))
                    .isEmpty();
        }

        @Test
        @DisplayName("then a provider name with markup is shown as the text the administrator typed, and runs nothing")
        void hostileNameIsText(TestRealm realm) {
            openLogin(realm, "");
            WebDriver browser = chromium.driver();

            assertThat(browser.findElement(By.id("social-" + HOSTILE)).getText()).contains("<script>window.pwned=1</script>");
            assertThat(js("return document.querySelectorAll('#claromentis-enterprise-providers script, #claromentis-enterprise-providers img').length"))
                    .isEqualTo(0L);
            assertThat(js("return window.pwned === undefined")).isEqualTo(true);
        }

        @Test
        @DisplayName("then on a phone 390 px wide nothing scrolls sideways, in light and in dark mode")
        void phoneWidth(TestRealm realm) {
            phone();
            openLogin(realm, "");
            chromium.screenshot(SHOTS.resolve("login-390px.png"));
            assertNoHorizontalScroll();

            cdp("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            openLogin(realm, "");
            assertThat(js("return document.documentElement.classList.contains('pf-v5-theme-dark')")).isEqualTo(true);
            chromium.screenshot(SHOTS.resolve("login-390px-dark.png"));
            assertNoHorizontalScroll();
        }

        @Test
        @DisplayName("then it passes the accessibility checks: language, labels, alt texts, focus order and contrast (light and dark)")
        void accessible(TestRealm realm) {
            openLogin(realm, "");
            assertAccessible(chromium.driver(), "en");
            assertFocusOrder(chromium.driver(), List.of("#social-" + ENTRA, "#social-" + HOSTILE, "#username", "#password", "#kc-login"));

            cdp("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            openLogin(realm, "");
            chromium.screenshot(SHOTS.resolve("login-dark.png"));
            assertContrast(chromium.driver());
        }

        @Test
        @DisplayName("then the language switcher offers English, German and French, and German switches the page")
        void languageSwitcher(TestRealm realm) {
            openLogin(realm, "");
            WebDriver browser = chromium.driver();
            List<String> labels = new ArrayList<>();
            browser.findElements(By.cssSelector("#login-select-toggle option")).forEach(o -> labels.add(o.getText().trim()));
            // Each language is named in the page's language and in its own.
            assertThat(labels).containsExactlyInAnyOrder("English", "German (Deutsch)", "French (Français)");

            new Select(browser.findElement(By.id("login-select-toggle"))).selectByVisibleText("German (Deutsch)");
            waitIn(browser).until(ExpectedConditions.textToBe(By.id("kc-page-title"), "Bei Claromentis anmelden"));
            chromium.screenshot(SHOTS.resolve("login-de.png"));
            assertThat(browser.findElement(By.id("social-" + ENTRA)).getText()).isEqualTo("Mit Microsoft anmelden");
            assertThat(js("return document.documentElement.lang")).isEqualTo("de");
        }
    }

    @Nested
    @DisplayName("when people sign in")
    class SigningIn {

        @Test
        @DisplayName("then a directory (LDAP) user signs in through the theme's form and reaches their account")
        void ldapUser(TestRealm realm) {
            WebDriver browser = chromium.driver();
            browser.get(realm.realmUrl() + "/account/");
            waitIn(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            assertThat(browser.findElement(By.id("kc-page-title")).getText()).isEqualTo("Sign in to Claromentis");

            browser.findElement(By.id("username")).sendKeys("alice");
            browser.findElement(By.id("password")).sendKeys("Alice-Pass-1");
            browser.findElement(By.id("kc-login")).click();
            waitIn(browser).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Alice Archer"));
            chromium.screenshot(SHOTS.resolve("ldap-signed-in.png"));

            assertThat(browser.getCurrentUrl()).startsWith(realm.realmUrl() + "/account");
        }

        @Test
        @DisplayName("then the Microsoft button goes to the Entra sign-in and comes back signed in")
        void entraUser(TestRealm realm) {
            EntraUser dora = EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Dora");
            simulator.nextSignIn(dora);
            int authorizeBefore = simulator.authorizeRequests().size();
            WebDriver browser = chromium.driver();
            browser.get(realm.realmUrl() + "/account/");
            waitIn(browser).until(ExpectedConditions.elementToBeClickable(By.id("social-" + ENTRA))).click();

            waitIn(browser).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "Dora Tester"));
            chromium.screenshot(SHOTS.resolve("entra-signed-in.png"));

            assertThat(simulator.authorizeRequests()).hasSizeGreaterThan(authorizeBefore);
            assertThat(simulator.authorizeRequests().get(simulator.authorizeRequests().size() - 1).tenantSegment())
                    .isEqualTo(CONTOSO);
            assertThat(browser.getCurrentUrl()).startsWith(realm.realmUrl() + "/account");
        }
    }

    @Nested
    @DisplayName("when Microsoft sign-ins are refused")
    class RefusalPages {

        private void refused(TestRealm realm, EntraUser user, String uiLocale, String screenshot) {
            simulator.nextSignIn(user);
            openLogin(realm, uiLocale);
            chromium.driver().findElement(By.id("social-" + ENTRA)).click();
            waitIn(chromium.driver()).until(ExpectedConditions.visibilityOfElementLocated(By.id("claromentis-refusal")));
            chromium.screenshot(SHOTS.resolve(screenshot));
        }

        @Test
        @DisplayName("then a user of another organisation sees the wrong-organisation page (403) with a code that is in the event and the log")
        void otherTenant(TestRealm realm) {
            refused(realm, EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Fay"), "", "refused-tenant.png");
            WebDriver browser = chromium.driver();

            assertThat(status()).isEqualTo(403L);
            assertThat(browser.findElement(By.id("kc-page-title")).getText())
                    .isEqualTo("This account belongs to another organisation");
            assertThat(browser.findElement(By.id("claromentis-refusal-message")).getText())
                    .isEqualTo(EntraFixtures.message("entraTenantMismatch"));
            String code = browser.findElement(By.id("claromentis-refusal-reference")).getText();
            assertThat(code).matches("[2-9A-Z]{4}-[2-9A-Z]{4}");
            assertThat(browser.getPageSource()).doesNotContain("org.keycloak").doesNotContain("Exception");
            List<JsonNode> events = EntraFixtures.eventsWithReason(realm, "IDENTITY_PROVIDER_LOGIN_ERROR", "tenant_mismatch");
            assertThat(events).extracting(e -> e.path("details").path("claromentis_reference").asText()).contains(code);
            assertThat(serverLog(realm)).contains("Sign-in refused (tenant-mismatch), reference " + code + ":");
            assertAccessible(chromium.driver(), "en");
        }

        @Test
        @DisplayName("then a personal Microsoft account sees its own page (403)")
        void personalAccount(TestRealm realm) {
            refused(realm, EntraFixtures.personalAccount("Pia"), "", "refused-personal.png");

            assertThat(status()).isEqualTo(403L);
            assertThat(chromium.driver().findElement(By.id("kc-page-title")).getText())
                    .isEqualTo("Personal Microsoft accounts cannot be used");
            assertThat(chromium.driver().findElement(By.id("claromentis-refusal-message")).getText())
                    .isEqualTo(EntraFixtures.message("entraPersonalAccountRefused"));
        }

        @Test
        @DisplayName("then a guest sees the guest page (403)")
        void guest(TestRealm realm) {
            refused(realm, EntraFixtures.guestInContoso(simulator, "Gil"), "", "refused-guest.png");

            assertThat(status()).isEqualTo(403L);
            assertThat(chromium.driver().findElement(By.id("kc-page-title")).getText())
                    .isEqualTo("Guest accounts cannot sign in");
        }

        @Test
        @DisplayName("then in German the page is German, and on a phone nothing scrolls sideways")
        void germanOnAPhone(TestRealm realm) {
            phone();
            refused(realm, EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Fritz"), "de", "refused-tenant-de-390px.png");

            assertThat(chromium.driver().findElement(By.id("kc-page-title")).getText())
                    .isEqualTo("Dieses Konto gehört zu einer anderen Organisation");
            assertThat(chromium.driver().findElement(By.cssSelector(".claromentis-refusal-reference")).getText())
                    .startsWith("Referenzcode:");
            assertNoHorizontalScroll();
            assertAccessible(chromium.driver(), "de");
        }
    }

    @Nested
    @DisplayName("when someone without an account signs in with a social account whose name holds markup")
    class SocialRefusal {

        @Test
        @DisplayName("then they see the no-account page (403) naming the provider as typed, with the code of the event")
        void noAccount(TestRealm realm) {
            simulator.nextSignIn(EntraFixtures.member(CONTOSO, "gmail.example", "Stella"));
            openLogin(realm, "");
            WebDriver browser = chromium.driver();
            browser.findElement(By.id("social-" + SOCIAL)).click();
            waitIn(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("claromentis-refusal")));
            chromium.screenshot(SHOTS.resolve("refused-social.png"));

            assertThat(status()).isEqualTo(403L);
            assertThat(browser.findElement(By.id("kc-page-title")).getText()).isEqualTo("No Claromentis account for this sign-in");
            WebElement message = browser.findElement(By.id("claromentis-refusal-message"));
            assertThat(message.getText()).isEqualTo("No Claromentis account is linked to this " + SOCIAL_NAME
                    + " sign-in. Ask your administrator to give you access.");
            assertThat(message.findElements(By.tagName("b"))).isEmpty();
            String code = browser.findElement(By.id("claromentis-refusal-reference")).getText();
            // Recorded by the first-login flow the guard runs in.
            List<JsonNode> events = new ArrayList<>(EntraFixtures.eventsWithReason(realm, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR",
                    "social_login_creates_no_account"));
            events.addAll(EntraFixtures.eventsWithReason(realm, "LOGIN_ERROR", "social_login_creates_no_account"));
            assertThat(events).extracting(e -> e.path("details").path("claromentis_reference").asText()).contains(code);
            assertAccessible(chromium.driver(), "en");
        }
    }

    /** A social-type provider (the test-providers module's) aimed at the simulator, held to Contoso like every provider. */
    private static IdentityProviderRepresentation socialProvider() {
        IdentityProviderRepresentation provider = new IdentityProviderRepresentation();
        provider.setAlias(SOCIAL);
        provider.setDisplayName(SOCIAL_NAME);
        provider.setProviderId("test-social");
        provider.setEnabled(true);
        provider.setTrustEmail(true);
        provider.setFirstBrokerLoginFlowAlias("claromentis first broker login");
        String base = simulator.authority() + "/" + CONTOSO;
        Map<String, String> config = new java.util.HashMap<>();
        config.put("authorizationUrl", base + "/oauth2/v2.0/authorize");
        config.put("tokenUrl", base + "/oauth2/v2.0/token");
        config.put("jwksUrl", base + "/discovery/v2.0/keys");
        config.put("issuer", simulator.issuer(CONTOSO));
        config.put("useJwksUrl", "true");
        config.put("validateSignature", "true");
        config.put("pkceEnabled", "true");
        config.put("pkceMethod", "S256");
        config.put("clientId", EntraFixtures.CLIENT_ID);
        config.put("clientSecret", EntraFixtures.CLIENT_SECRET);
        config.put("clientAuthMethod", "client_secret_post");
        config.put("defaultScope", "openid profile email");
        provider.setConfig(config);
        return provider;
    }

    // ---- helpers: what a person sees, measured in the page ----

    private static void openLogin(TestRealm realm, String uiLocale) {
        WebDriver browser = chromium.driver();
        browser.get(realm.realmUrl() + "/protocol/openid-connect/auth?client_id=" + TestRealm.TEST_CLIENT
                + "&redirect_uri=" + java.net.URLEncoder.encode(TestRealm.TEST_REDIRECT_URI, java.nio.charset.StandardCharsets.UTF_8)
                + "&response_type=code&scope=openid" + (uiLocale.isEmpty() ? "" : "&ui_locales=" + uiLocale));
        waitIn(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("kc-page-title")));
    }

    private static String serverLog(TestRealm realm) {
        try {
            return java.nio.file.Files.readString(realm.server().logFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read the server log", e);
        }
    }

    private static WebDriverWait waitIn(WebDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(60));
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) chromium.driver()).executeScript(script);
    }

    private static void cdp(String command, Map<String, Object> params) {
        ((HasCdp) chromium.driver()).executeCdpCommand(command, params);
    }

    private static void phone() {
        cdp("Emulation.setDeviceMetricsOverride", Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
    }

    /** The HTTP status of the page shown, as the browser received it. */
    private static Object status() {
        return js("return performance.getEntriesByType('navigation')[0].responseStatus");
    }

    private static boolean precedes(By first, By second) {
        WebElement a = chromium.driver().findElement(first);
        WebElement b = chromium.driver().findElement(second);
        Object position = ((JavascriptExecutor) chromium.driver())
                .executeScript("return arguments[0].compareDocumentPosition(arguments[1])", a, b);
        return (((Long) position) & 4L) != 0; // Node.DOCUMENT_POSITION_FOLLOWING
    }

    private static void assertNoHorizontalScroll() {
        assertThat(js("return window.innerWidth")).isEqualTo(390L);
        assertThat((Long) js("return document.documentElement.scrollWidth")).as("page width on a 390 px screen")
                .isLessThanOrEqualTo(390L);
    }
}
