package com.claromentis.keycloak.broker;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A typed value put into a login page message")
class PageTextTest {

    @Test
    @DisplayName("given markup, then every character that could open a tag or an attribute is escaped")
    void escapesMarkup() {
        assertThat(PageText.of("<b id=\"x\">Evil</b>")).isEqualTo("&lt;b id=&quot;x&quot;&gt;Evil&lt;/b&gt;");
        assertThat(PageText.of("O'Brien & Co")).isEqualTo("O&#39;Brien &amp; Co");
    }

    @Test
    @DisplayName("given plain text or nothing, then it is unchanged or empty")
    void plainText() {
        assertThat(PageText.of("Google")).isEqualTo("Google");
        assertThat(PageText.of(null)).isEmpty();
    }
}
