package com.claromentis.keycloak.it.directory;

import com.claromentis.keycloak.it.outbox.OutboxFixture;
import com.claromentis.keycloak.testing.LdapFederation;
import com.claromentis.keycloak.testing.LoginClient;
import com.claromentis.keycloak.testing.RealKeycloak;
import com.claromentis.keycloak.testing.SignInResult;
import com.claromentis.keycloak.testing.TestRealm;
import com.claromentis.keycloak.testing.directory.DirectoryUser;
import com.claromentis.keycloak.testing.directory.RealDirectory;
import com.claromentis.keycloak.testing.directory.SambaAd;
import com.claromentis.keycloak.testing.directory.Spnego;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import java.net.URLEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Desktop sign-in with a Kerberos ticket (SPNEGO) against a real Samba AD domain controller and its KDC on
 * 127.0.0.1:88: the ad preset switches Keycloak's own Kerberos support on with the service principal
 * {@code HTTP/localhost}, its keytab and the realm. The test's "browser" gets its tickets from the KDC with the JDK's
 * Kerberos, as a domain-joined PC has them from the Windows logon, and answers Keycloak's Negotiate challenge.
 */
@RealDirectory
@RealKeycloak
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Given Active Directory with the ad preset and Kerberos sign-in, in a realm that provisions into Claromentis")
class KerberosSignInIT {

    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String KIM = "kim-" + SUFFIX;
    private static final String LEE = "lee-" + SUFFIX;
    private static final String KIM_PASSWORD = "Kim-Passw0rd!";
    private static final String LEE_PASSWORD = "Lee-Passw0rd!";
    /** A service the domain knows, but not the one Keycloak holds the keys of. */
    private static final String OTHER_HOST = "intranet-" + SUFFIX + ".example.test";
    /** The notice on the password form after a refused ticket (English, the test realm's language). */
    private static final Pattern NOTICE = Pattern.compile("Your Windows sign-in could not be used here, so please sign in "
            + "with your username and password\\. If this happens every time, tell your administrator the reference code "
            + "([2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4})\\.");

    private static OutboxFixture outbox;
    private static LdapFederation ldap;
    private static String kimDn;
    private static JsonNode preset;

    @BeforeAll
    static void switchKerberosOn(TestRealm realm, SambaAd ad) {
        outbox = OutboxFixture.provisioning(realm);
        // Login events stored, as an administrator looking for a reference code has them.
        RealmRepresentation events = realm.representation();
        events.setEventsEnabled(true);
        events.setEnabledEventTypes(new ArrayList<>());
        realm.update(events);
        String ou = ad.addOrganizationalUnit("kerberos-" + SUFFIX);
        kimDn = ad.addUser(DirectoryUser.builder(KIM).in(ou).givenName("Kim").surname("Kaur").mail(KIM + "@example.test")
                .title("Service Desk Lead").office("Leeds").password(KIM_PASSWORD).build());
        ad.addUser(DirectoryUser.builder(LEE).in(ou).givenName("Lee").surname("Lowe").mail(LEE + "@example.test")
                .password(LEE_PASSWORD).build());
        ad.addServiceAccount("intranet-" + SUFFIX, "Svc-Passw0rd!" + SUFFIX, "HTTP/" + OTHER_HOST, ou);
        String keytab = ad.keycloakKeytab().toString();

        ldap = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ad.ldapsUrl(), ad.bindDn(),
                ad.bindPassword(), ou);
        preset = realm.admin().exchangeJson("POST", realm.adminPath() + "/claromentis-directory/" + ldap.id()
                + "/preset/ad?groupsDn=" + encode(ou)
                + "&kerberosPrincipal=" + encode("HTTP/localhost@" + SambaAd.REALM)
                + "&keytab=" + encode(keytab));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static LoginClient browser(TestRealm realm) {
        return new LoginClient(realm.server().baseUrl(), realm.name());
    }

    private static String ticketFor(String username, String password, String host) {
        return Spnego.token(username + "@" + SambaAd.REALM, password, host);
    }

    private static String authorizationUrl(TestRealm realm) {
        return realm.realmUrl() + "/protocol/openid-connect/auth?client_id=" + TestRealm.TEST_CLIENT
                + "&redirect_uri=" + encode(TestRealm.TEST_REDIRECT_URI) + "&response_type=code&scope=openid";
    }

    /** The reference code of the notice on {@code result}'s page; fails when the page has no notice. */
    private static String noticeCode(SignInResult result) {
        Matcher notice = NOTICE.matcher(result.page());
        assertThat(notice.find()).as("the notice on " + result.describe()).isTrue();
        return notice.group(1);
    }

    private static List<String> references(JsonNode events) {
        List<String> references = new ArrayList<>();
        for (JsonNode event : events) {
            references.add(event.path("details").path("claromentis_reference").asText());
        }
        return references;
    }

    private static String serverLog(TestRealm realm) {
        try {
            return Files.readString(realm.server().logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the server log", e);
        }
    }

    @Test
    @Order(1)
    @DisplayName("when the preset is applied, then the provider holds Keycloak's Kerberos settings and the browser flow tries Kerberos first")
    void presetSwitchesKerberosOn(TestRealm realm) {
        assertThat(ldap.setting("allowKerberosAuthentication")).isEqualTo("true");
        assertThat(ldap.setting("serverPrincipal")).isEqualTo("HTTP/localhost@" + SambaAd.REALM);
        assertThat(ldap.setting("kerberosRealm")).isEqualTo(SambaAd.REALM);
        assertThat(ldap.setting("useKerberosForPasswordAuthentication")).isEqualTo("false");
        JsonNode executions = realm.admin().get(realm.adminPath() + "/authentication/flows/browser/executions");
        String kerberos = "";
        for (JsonNode execution : executions) {
            if ("auth-spnego".equals(execution.path("providerId").asText())) {
                kerberos = execution.path("requirement").asText();
            }
        }
        assertThat(kerberos).as(preset.toString()).isEqualTo("ALTERNATIVE");
    }

    @Test
    @Order(2)
    @DisplayName("when a browser without a ticket opens the sign-in, then it gets the login form with a Negotiate challenge, never a Basic dialog, and the password signs in")
    void withoutTicket(TestRealm realm) {
        HttpResponse<String> page = browser(realm).get(authorizationUrl(realm));

        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.headers().allValues("WWW-Authenticate")).containsExactly("Negotiate");
        assertThat(page.body()).as("a page that goes on to the login form by itself").contains("document.forms[0].submit()");
        SignInResult shown = browser(realm).openSignIn();
        assertThat(shown.page()).contains("kc-form-login");

        SignInResult password = browser(realm).login(LEE, LEE_PASSWORD);
        assertThat(password.succeeded()).as(password.describe()).isTrue();
    }

    @Test
    @Order(3)
    @DisplayName("when Kim's browser answers with her ticket for HTTP/localhost, then she is signed in without a form, as the directory user she is, and is created in Claromentis")
    void silentSignIn(TestRealm realm) {
        SignInResult kerberos = browser(realm).withKerberos(() -> ticketFor(KIM, KIM_PASSWORD, "localhost")).openSignIn();

        assertThat(kerberos.succeeded()).as(kerberos.describe()).isTrue();
        assertThat(kerberos.idTokenClaims().path("preferred_username").asText()).isEqualTo(KIM);
        UserRepresentation kim = realm.findUser(KIM).orElseThrow();
        assertThat(kim.getFederationLink()).isEqualTo(ldap.id());
        assertThat(kim.getAttributes().get("jobTitle")).containsExactly("Service Desk Lead");
        await().atMost(DELIVERY).untilAsserted(() -> assertThat(outbox.requireInClaromentis(KIM).office()).isEqualTo("Leeds"));

        SignInResult password = browser(realm).login(KIM, KIM_PASSWORD);
        assertThat(password.succeeded()).as(password.describe()).isTrue();
        assertThat(password.idTokenClaims().path("sub").asText()).as("the same Keycloak user either way")
                .isEqualTo(kerberos.idTokenClaims().path("sub").asText());
    }

    @Test
    @Order(4)
    @DisplayName("when the browser's ticket is for another service (a wrong SPN), then the login form says in plain words that the Windows sign-in could not be used, with a reference code the administrator finds in the log and the login-error event, and the password still works")
    void wrongSpn(TestRealm realm) {
        LoginClient client = browser(realm).withKerberos(() -> ticketFor(KIM, KIM_PASSWORD, OTHER_HOST));

        SignInResult kerberos = client.openSignIn();

        assertThat(kerberos.succeeded()).isFalse();
        assertThat(kerberos.page()).contains("kc-form-login");
        assertThat(kerberos.status()).as("Keycloak's password form, as without the notice").isEqualTo(200);
        String code = noticeCode(kerberos);
        assertThat(serverLog(realm)).contains("Sign-in refused (kerberos-ticket-refused), reference " + code + ":");
        assertThat(references(realm.events("LOGIN_ERROR"))).contains(code);
        SignInResult password = client.login(KIM, KIM_PASSWORD);
        assertThat(password.succeeded()).as(password.describe()).isTrue();
    }

    @Test
    @Order(5)
    @DisplayName("when a captured ticket is sent again (a replay), then it signs nobody in and the login form carries the notice with a code of its own")
    void replay(TestRealm realm) {
        String token = ticketFor(LEE, LEE_PASSWORD, "localhost");
        SignInResult first = browser(realm).withKerberos(() -> token).openSignIn();
        assertThat(first.succeeded()).as(first.describe()).isTrue();
        assertThat(first.page()).doesNotContain("Your Windows sign-in could not be used");

        SignInResult again = browser(realm).withKerberos(() -> token).openSignIn();

        assertThat(again.succeeded()).isFalse();
        assertThat(again.page()).contains("kc-form-login");
        String code = noticeCode(again);
        assertThat(serverLog(realm)).contains("Sign-in refused (kerberos-ticket-refused), reference " + code + ":");
    }

    @Test
    @Order(6)
    @DisplayName("when Kim's account is disabled in Active Directory after she got her ticket, then her ticket no longer signs her in")
    void disabledInAd(TestRealm realm, SambaAd ad) {
        String token = ticketFor(KIM, KIM_PASSWORD, "localhost");
        ad.replace(kimDn, "userAccountControl", Integer.toString(SambaAd.UAC_NORMAL | SambaAd.UAC_DISABLED_BIT));
        try {
            SignInResult kerberos = browser(realm).withKerberos(() -> token).openSignIn();

            assertThat(kerberos.succeeded()).isFalse();
            assertThat(kerberos.page()).doesNotContain("Exception");
            assertThat(List.of(kerberos.error(), kerberos.page()).toString()).containsIgnoringCase("disabled");
        } finally {
            ad.replace(kimDn, "userAccountControl", Integer.toString(SambaAd.UAC_NORMAL));
        }
    }

    @Test
    @Order(7)
    @DisplayName("when a Windows browser falls back to NTLM inside Negotiate (no Kerberos ticket for the host), then it gets the login form, not an error")
    void ntlmInsideNegotiate(TestRealm realm) {
        // An NTLMSSP NEGOTIATE_MESSAGE (type 1), as Edge or Chrome on Windows send it when Kerberos is not possible.
        String ntlm = "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==";

        SignInResult result = browser(realm).withKerberos(() -> ntlm).openSignIn();

        assertThat(result.succeeded()).isFalse();
        assertThat(result.status()).isLessThan(500);
        assertThat(result.page()).contains("kc-form-login");
        String code = noticeCode(result);
        assertThat(serverLog(realm)).contains("reference " + code + ": realm '" + realm.name()
                + "': the browser answered Negotiate with NTLM, not a Kerberos ticket");
    }

    @Test
    @Order(8)
    @DisplayName("when the Negotiate header carries garbage (not base64, an empty token, 60 KB of noise), then the login form or a clear refusal, never a server error")
    void hostileTokens(TestRealm realm) {
        for (String garbage : List.of("!!not-base64!!", "AAAA", "YII" + "A".repeat(60_000))) {
            SignInResult result = browser(realm).withKerberos(() -> garbage).openSignIn();

            assertThat(result.succeeded()).as(garbage.substring(0, Math.min(20, garbage.length()))).isFalse();
            assertThat(result.status()).as(result.describe()).isLessThan(500);
            assertThat(result.page()).doesNotContain("Exception");
        }
    }
}
