package com.claromentis.keycloak.themes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** Static checks of the claromentis login theme: what Keycloak reads from the classpath. */
class ClaromentisLoginThemeTest {

    private static final String LOGIN = "theme/claromentis/login/";

    @Test
    void registersTheLoginTheme() throws IOException {
        String json = read("META-INF/keycloak-themes.json");
        assertThat(json.replaceAll("\\s", ""))
                .contains("\"name\":\"claromentis\",\"types\":[\"login\",\"account\",\"admin\"]");
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
    void englishMessagesHoldTheBrandingAndTheLoginPageTexts() throws IOException {
        Properties messages = properties(LOGIN + "messages/messages_en.properties");
        assertThat(messages.getProperty("loginAccountTitle")).isEqualTo("Sign in to Claromentis");
        assertThat(messages.getProperty("loginTitle")).isEqualTo("Sign in to Claromentis");
        assertThat(messages.getProperty("loginTitleHtml")).contains("Claromentis");
        assertThat(messages.getProperty("claromentisSignInWithMicrosoft")).isEqualTo("Sign in with Microsoft");
        assertThat(messages).containsKeys("claromentisCompanySignIn",
                "identityProviderInvalidSignatureMessage", "invalidRequesterMessage",
                "identityProviderUnexpectedErrorMessage");
        // The refusal texts have one home, theme-resources, so a theme copy cannot drift from it.
        assertThat(messages).doesNotContainKeys("claromentisSocialNoAccount", "claromentisPeopleApiUnavailable",
                "entraTenantMismatch");
    }

    @Test
    void accountThemeExtendsKeycloakV3WithItsOwnStylesheetAndLogo() throws IOException {
        Properties theme = properties("theme/claromentis/account/theme.properties");
        assertThat(theme.getProperty("parent")).isEqualTo("keycloak.v3");
        assertThat(theme.getProperty("title")).isEqualTo("Claromentis account");
        for (String resource : List.of(theme.getProperty("styles"), theme.getProperty("logo"), theme.getProperty("scripts"))) {
            assertThat(getClass().getClassLoader().getResource("theme/claromentis/account/resources/" + resource))
                    .as(resource).isNotNull();
        }
    }

    @Test
    void adminThemeExtendsKeycloakV2WithTheClaromentisPage() throws IOException {
        Properties theme = properties("theme/claromentis/admin/theme.properties");
        assertThat(theme.getProperty("parent")).isEqualTo("keycloak.v2");
        for (String resource : List.of(theme.getProperty("styles"), theme.getProperty("scripts"))) {
            assertThat(getClass().getClassLoader().getResource("theme/claromentis/admin/resources/" + resource))
                    .as(resource).isNotNull();
        }
        // The page writes what the server sent as text only: markup from a provider name must never become elements.
        assertThat(read("theme/claromentis/admin/resources/" + theme.getProperty("scripts")))
                .doesNotContain("innerHTML").doesNotContain("insertAdjacentHTML").doesNotContain("outerHTML");
    }

    @Test
    void shipsTheRefusalPageForEveryTheme() {
        assertThat(getClass().getClassLoader().getResource("theme-resources/templates/claromentis-refusal.ftl")).isNotNull();
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
