package com.claromentis.keycloak.entra;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak renders login messages through {@link MessageFormat}, which treats a single apostrophe as a quote and
 * drops it ("this server's clock" became "this servers clock" on the real error page). Every apostrophe must be
 * written twice in the properties file.
 */
class EntraMessagesTest {

    private static final String MESSAGES = "theme-resources/messages/messages_en.properties";

    @Test
    @DisplayName("every refusal has an English text, and the text survives MessageFormat unchanged")
    void messagesRenderAsWritten() throws IOException {
        Properties messages = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(MESSAGES)) {
            assertThat(in).as(MESSAGES).isNotNull();
            messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        Arrays.stream(EntraRefusal.values()).map(EntraRefusal::messageKey).distinct()
                .forEach(key -> assertThat(messages.getProperty(key)).as(key).isNotBlank());
        for (String key : messages.stringPropertyNames()) {
            String written = messages.getProperty(key);
            String rendered = new MessageFormat(written, Locale.ENGLISH).format(new Object[0]);
            assertThat(rendered).as(key).isEqualTo(written.replace("''", "'"));
        }
    }
}
