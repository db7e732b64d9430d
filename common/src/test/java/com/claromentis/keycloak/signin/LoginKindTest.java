package com.claromentis.keycloak.signin;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The aliases an administrator lists as social or enterprise")
class LoginKindTest {

    @Test
    @DisplayName("are read from the console's multi-valued field or a comma list, trimmed and case-insensitive")
    void parsesAliases() {
        assertThat(LoginKind.aliases("Google##facebook")).containsExactlyInAnyOrder("google", "facebook");
        assertThat(LoginKind.aliases(" azure-work , Okta ,")).containsExactlyInAnyOrder("azure-work", "okta");
    }

    @Test
    @DisplayName("are empty when nothing or only separators were typed")
    void emptyValues() {
        assertThat(LoginKind.aliases(null)).isEmpty();
        assertThat(LoginKind.aliases("  ")).isEmpty();
        assertThat(LoginKind.aliases("##,##")).isEmpty();
    }
}
