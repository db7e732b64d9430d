package com.claromentis.keycloak.common;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("LogSafe: values from outside in log lines")
class LogSafeTest {

    @Nested
    @DisplayName("given a value that tries to forge a log line")
    class Forged {
        @Test
        @DisplayName("then line breaks are shown escaped and no new line starts")
        void lineBreaks() {
            String forged = LogSafe.of("bob\n2026-12-01 INFO [org.keycloak] admin logged in\r");
            assertThat(forged).doesNotContain("\n").doesNotContain("\r")
                    .isEqualTo("bob\\n2026-12-01 INFO [org.keycloak] admin logged in\\r");
        }

        @Test
        @DisplayName("then terminal escapes, NUL, unicode line separators and bidi controls are escaped")
        void controls() {
            assertThat(LogSafe.of("a\u001b[31mred\u0000b\u2028c\u202ed")).isEqualTo("a\\u001b[31mred\\u0000b\\u2028c\\u202ed");
        }
    }

    @Nested
    @DisplayName("given an ordinary value")
    class Ordinary {
        @Test
        @DisplayName("then it is unchanged, non-ASCII letters included")
        void unchanged() {
            assertThat(LogSafe.of("Zoë Ångström-O'Brien")).isEqualTo("Zoë Ångström-O'Brien");
            assertThat(LogSafe.of(null)).isEqualTo("null");
        }
    }

    @Nested
    @DisplayName("given a huge value")
    class Huge {
        @Test
        @DisplayName("then at most 200 characters are shown with a count of the rest")
        void cut() {
            String shown = LogSafe.of("x".repeat(10_000));
            assertThat(shown).startsWith("x".repeat(200)).endsWith("...(9800 more characters)").hasSize(225);
        }
    }

    @Nested
    @DisplayName("when asked whether a username holds control characters")
    class Detection {
        @Test
        @DisplayName("then tabs, line breaks and bidi controls count, letters and spaces do not")
        void detects() {
            assertThat(LogSafe.hasControlCharacters("jane\ndoe")).isTrue();
            assertThat(LogSafe.hasControlCharacters("jane\u202edoe")).isTrue();
            assertThat(LogSafe.hasControlCharacters("jané doe")).isFalse();
            assertThat(LogSafe.hasControlCharacters(null)).isFalse();
        }
    }
}
