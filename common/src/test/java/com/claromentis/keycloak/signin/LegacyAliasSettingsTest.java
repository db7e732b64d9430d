package com.claromentis.keycloak.signin;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The aliases earlier versions kept in the step settings")
class LegacyAliasSettingsTest {

    @Test
    @DisplayName("are read from the console's multi-valued field or a comma list, trimmed and case-insensitive")
    void parsesAliases() {
        assertThat(LegacyAliasSettings.aliases("Google##facebook")).containsExactlyInAnyOrder("google", "facebook");
        assertThat(LegacyAliasSettings.aliases(" azure-work , Okta ,")).containsExactlyInAnyOrder("azure-work", "okta");
    }

    @Test
    @DisplayName("are empty when nothing or only separators were typed")
    void emptyValues() {
        assertThat(LegacyAliasSettings.aliases(null)).isEmpty();
        assertThat(LegacyAliasSettings.aliases("  ")).isEmpty();
        assertThat(LegacyAliasSettings.aliases("##,##")).isEmpty();
    }
}
