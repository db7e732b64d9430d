package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.testing.Chromium;
import com.claromentis.keycloak.testing.EmbeddedLdap;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.TestRealm;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.interactions.Actions;
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

    private static EmbeddedLdap ldap;
    private static EntraSimulator simulator;
    private static Chromium chromium;

    @BeforeAll
    static void setUp(TestRealm realm) {
        ldap = EmbeddedLdap.builder("dc=example,dc=test").ldif("ldap/small-org.ldif").start();
        LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ldap.url(), ldap.bindDn(), ldap.bindPassword(),
                "ou=people,dc=example,dc=test");
        simulator = EntraFixtures.startSimulator();
        EntraFixtures.enableLoginEvents(realm);
        RealmRepresentation representation = realm.representation();
        representation.setLoginTheme("claromentis");
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
        chromium = Chromium.start();
    }

    @AfterAll
    static void tearDown() {
        if (chromium != null) {
            chromium.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (ldap != null) {
            ldap.close();
        }
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
            assertAccessible("en");
            assertFocusOrder(List.of("social-" + ENTRA, "social-" + HOSTILE, "username", "password", "kc-login"));

            cdp("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            openLogin(realm, "");
            chromium.screenshot(SHOTS.resolve("login-dark.png"));
            assertContrast();
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
            assertAccessible("en");
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
            assertAccessible("de");
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
            assertAccessible("en");
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

    private static void assertAccessible(String language) {
        assertThat(js("return document.documentElement.getAttribute('lang')")).isEqualTo(language);
        assertThat(js("""
                return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                  .filter(e => e.offsetParent !== null)
                  .filter(e => !(e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]'))
                            && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
                  .map(e => e.id || e.name)""")).as("form fields without a label").asList().isEmpty();
        assertThat(js("return [...document.querySelectorAll('img:not([alt])')].map(e => e.src)"))
                .as("images without alt text").asList().isEmpty();
        assertThat(js("""
                return [...document.querySelectorAll('svg')]
                  .filter(s => s.getAttribute('aria-hidden') !== 'true' && !s.getAttribute('aria-label') && !s.querySelector('title'))
                  .length""")).as("pictures (svg) neither hidden from screen readers nor named").isEqualTo(0L);
        assertThat(js("""
                return [...document.querySelectorAll('a[href], button')]
                  .filter(e => e.offsetParent !== null)
                  .filter(e => !(e.innerText || '').trim() && !e.getAttribute('aria-label') && !e.getAttribute('title'))
                  .map(e => e.id || e.outerHTML.substring(0, 80))""")).as("links and buttons without a name").asList().isEmpty();
        assertContrast();
    }

    /** Tab from the top of the page: the given elements get the focus in this order. */
    private static void assertFocusOrder(List<String> expected) {
        // Focus the page itself, as a freshly loaded page is, without clicking anything on it.
        js("document.activeElement && document.activeElement.blur(); document.body.setAttribute('tabindex', '-1'); document.body.focus();");
        List<String> focused = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            new Actions(chromium.driver()).sendKeys(Keys.TAB).perform();
            focused.add(String.valueOf(js("return document.activeElement.id")));
        }
        List<String> seen = focused.stream().filter(expected::contains).distinct().toList();
        assertThat(seen).as("focus order, of " + focused).containsExactlyElementsOf(expected);
    }

    /**
     * WCAG AA: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold), measured on the colours the browser
     * computed for every visible text of the card and the header, against the first opaque background behind it.
     */
    @SuppressWarnings("unchecked")
    private static void assertContrast() {
        List<Map<String, Object>> texts = (List<Map<String, Object>>) js("""
                const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
                  const p = m[1].split(',').map(x => parseFloat(x)); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
                const background = e => { for (let n = e; n; n = n.parentElement) {
                    const s = getComputedStyle(n);
                    if (s.backgroundImage && s.backgroundImage !== 'none') return {gradient: true};
                    const c = parse(s.backgroundColor); if (c && c.a > 0.9) return c; }
                  return {r: 255, g: 255, b: 255, a: 1}; };
                const out = [];
                for (const e of document.querySelectorAll('h1, label, p, a, button, span, strong, option, div')) {
                  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                  if (!own || e.offsetParent === null) continue;
                  const s = getComputedStyle(e); const fg = parse(s.color); const bg = background(e);
                  out.push({id: e.id || e.className || e.tagName, text: e.innerText.trim().substring(0, 40),
                    fg, bg, size: parseFloat(s.fontSize), bold: parseInt(s.fontWeight) >= 700});
                }
                return out;""");
        assertThat(texts).isNotEmpty();
        List<String> tooFaint = new ArrayList<>();
        for (Map<String, Object> text : texts) {
            Map<String, Object> bg = (Map<String, Object>) text.get("bg");
            if (bg.containsKey("gradient")) {
                // Text on the header's gradient: measured against its lightest stop (the teal end).
                bg = Map.of("r", 42L, "g", 140L, "b", 140L);
            }
            double ratio = contrast((Map<String, Object>) text.get("fg"), bg);
            double size = ((Number) text.get("size")).doubleValue();
            boolean large = size >= 24 || (size >= 18.66 && Boolean.TRUE.equals(text.get("bold")));
            if (ratio < (large ? 3.0 : 4.5)) {
                tooFaint.add(text.get("id") + " \"" + text.get("text") + "\" " + String.format("%.2f", ratio));
            }
        }
        assertThat(tooFaint).as("texts below WCAG AA contrast").isEmpty();
    }

    private static double contrast(Map<String, Object> a, Map<String, Object> b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(Map<String, Object> colour) {
        return 0.2126 * channel(colour.get("r")) + 0.7152 * channel(colour.get("g")) + 0.0722 * channel(colour.get("b"));
    }

    private static double channel(Object value) {
        double c = ((Number) value).doubleValue() / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
}
