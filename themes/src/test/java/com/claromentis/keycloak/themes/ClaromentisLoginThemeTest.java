package com.claromentis.keycloak.themes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Static checks of the claromentis login theme: what Keycloak reads from the classpath. */
class ClaromentisLoginThemeTest {

    private static final String LOGIN = "theme/claromentis/login/";

    @Test
    void registersTheLoginTheme() throws IOException {
        String json = read("META-INF/keycloak-themes.json");
        assertThat(json.replaceAll("\\s", ""))
                .contains("\"name\":\"claromentis\",\"types\":[\"login\"]");
    }

    @Test
    void extendsKeycloakV2AndAddsItsStylesheetAfterTheParentOnes() throws IOException {
        Properties theme = properties(LOGIN + "theme.properties");
        assertThat(theme.getProperty("parent")).isEqualTo("keycloak.v2");
        // stylesCommon (PatternFly 5) must stay inherited from keycloak.v2.
        assertThat(theme).doesNotContainKey("stylesCommon");
        assertThat(Arrays.asList(theme.getProperty("styles").trim().split("\\s+")))
                .containsExactly("css/styles.css", "css/claromentis.css");
        assertThat(getClass().getClassLoader().getResource(LOGIN + "resources/css/claromentis.css")).isNotNull();
    }

    @Test
    void englishMessagesHoldTheKeysTheFeaturesUse() throws IOException {
        Properties messages = properties(LOGIN + "messages/messages_en.properties");
        assertThat(messages.getProperty("loginAccountTitle")).isEqualTo("Sign in to Claromentis");
        assertThat(messages.getProperty("loginTitle")).isEqualTo("Sign in to Claromentis");
        assertThat(messages.getProperty("loginTitleHtml")).contains("Claromentis");
        assertThat(messages).containsKeys(
                "claromentisSocialNoAccount", "claromentisPeopleApiUnavailable",
                "entraTenantMismatch", "entraPersonalAccountRefused", "entraGuestRefused", "entraInvalidToken",
                "identityProviderInvalidSignatureMessage", "invalidRequesterMessage",
                "identityProviderUnexpectedErrorMessage");

        assertThat(MessageFormat.format(messages.getProperty("claromentisSocialNoAccount"), "Google"))
                .isEqualTo("No Claromentis account is linked to this Google sign-in. "
                        + "Ask your administrator to give you access.");
        assertThat(messages.getProperty("claromentisPeopleApiUnavailable"))
                .isEqualTo("Claromentis is not reachable right now. Please try again in a few minutes.");

        // Every text must survive MessageFormat (a stray apostrophe would swallow the rest of it).
        for (String key : messages.stringPropertyNames()) {
            String text = messages.getProperty(key);
            assertThat(MessageFormat.format(text, "X")).as(key).doesNotContain("'");
        }
    }

    private String read(String path) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Properties properties(String path) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        }
    }
}
