package com.claromentis.keycloak.directory.edirectory;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Given eDirectory's loginDisabled attribute")
class LoginDisabledTest {

    @Test
    @DisplayName("then TRUE in any case disables, and FALSE, no value or anything else leaves the user enabled")
    void enabledState() {
        assertThat(LoginDisabledLDAPStorageMapper.enabled("TRUE")).isFalse();
        assertThat(LoginDisabledLDAPStorageMapper.enabled(" true ")).isFalse();
        assertThat(LoginDisabledLDAPStorageMapper.enabled("FALSE")).isTrue();
        assertThat(LoginDisabledLDAPStorageMapper.enabled(null)).isTrue();
        assertThat(LoginDisabledLDAPStorageMapper.enabled("yes")).isTrue();
    }
}
