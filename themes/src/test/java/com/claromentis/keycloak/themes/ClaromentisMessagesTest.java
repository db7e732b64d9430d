package com.claromentis.keycloak.themes;

import static org.assertj.core.api.Assertions.assertThat;

import com.claromentis.keycloak.signin.SignInRefusal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The texts of every language. Keycloak falls back to English for a key a language lacks, so a missing key shows up
 * as one English sentence on a German page: each language must have every key. Keycloak renders every text through
 * {@link MessageFormat}, where a single apostrophe starts a quote and swallows the rest of the sentence.
 */
@DisplayName("Given the bundle's messages in English, German and French")
class ClaromentisMessagesTest {

    static final List<String> LANGUAGES = List.of("en", "de", "fr");
    /** The bundle's own texts (every theme) and the claromentis login and account themes' texts. */
    static final String FEATURES = "theme-resources/messages/messages_";
    static final String LOGIN_THEME = "theme/claromentis/login/messages/messages_";
    static final String ACCOUNT_THEME = "theme/claromentis/account/messages/messages_";

    @Nested
    @DisplayName("when the languages are compared")
    class EveryKey {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {FEATURES, LOGIN_THEME, ACCOUNT_THEME})
        @DisplayName("then every language has exactly the keys of English")
        void sameKeys(String bundle) throws IOException {
            Properties english = load(bundle + "en.properties");
            assertThat(english).isNotEmpty();
            for (String language : LANGUAGES) {
                assertThat(load(bundle + language + ".properties").stringPropertyNames()).as(language)
                        .containsExactlyInAnyOrderElementsOf(english.stringPropertyNames());
            }
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"en", "de", "fr"})
        @DisplayName("then every refusal page has its title and its sentence")
        void everyRefusalHasItsTexts(String language) throws IOException {
            Properties messages = load(FEATURES + language + ".properties");
            for (SignInRefusal refusal : SignInRefusal.values()) {
                assertThat(messages.getProperty(refusal.titleKey())).as(language + " " + refusal).isNotBlank();
                assertThat(messages.getProperty(refusal.messageKey())).as(language + " " + refusal).isNotBlank();
            }
            assertThat(messages).containsKeys("claromentisRefusalReferenceLabel", "claromentisRefusalReferenceHelp");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"de", "fr"})
        @DisplayName("then the refusal sentences are translated, not copied from English")
        void translated(String language) throws IOException {
            Properties english = load(FEATURES + "en.properties");
            Properties other = load(FEATURES + language + ".properties");
            for (SignInRefusal refusal : SignInRefusal.values()) {
                assertThat(other.getProperty(refusal.messageKey())).as(language + " " + refusal)
                        .isNotEqualTo(english.getProperty(refusal.messageKey()));
            }
        }
    }

    @Nested
    @DisplayName("when every text is rendered as Keycloak renders it")
    class Rendering {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"en", "de", "fr"})
        @DisplayName("then it reads as written: apostrophes kept, {0} replaced by the provider name")
        void rendersAsWritten(String language) throws IOException {
            for (String bundle : List.of(FEATURES, LOGIN_THEME, ACCOUNT_THEME)) {
                Properties messages = load(bundle + language + ".properties");
                for (String key : messages.stringPropertyNames()) {
                    String written = messages.getProperty(key);
                    String rendered = new MessageFormat(written, Locale.forLanguageTag(language))
                            .format(new Object[] {"Contoso"});
                    assertThat(rendered).as(language + " " + key)
                            .isEqualTo(written.replace("''", "'").replace("{0}", "Contoso"));
                }
            }
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"en", "de", "fr"})
        @DisplayName("then the social refusal names the provider")
        void namesTheProvider(String language) throws IOException {
            String text = load(FEATURES + language + ".properties").getProperty(SignInRefusal.SOCIAL_NO_ACCOUNT.messageKey());
            assertThat(MessageFormat.format(text, "Google")).contains("Google");
        }
    }

    static Properties load(String path) throws IOException {
        try (InputStream in = ClaromentisMessagesTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        }
    }
}
