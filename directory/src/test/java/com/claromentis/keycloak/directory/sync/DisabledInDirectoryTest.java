package com.claromentis.keycloak.directory.sync;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.storage.ldap.idm.model.LDAPObject;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A directory entry's own word on whether the account may sign in, read at every sign-in")
class DisabledInDirectoryTest {

    private static LDAPObject entry(String attribute, String value) {
        LDAPObject entry = new LDAPObject();
        if (attribute != null) {
            entry.setSingleAttribute(attribute, value);
        }
        return entry;
    }

    @Test
    @DisplayName("Active Directory: userAccountControl with bit 2 set is disabled, whatever other bits are set")
    void activeDirectory() {
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry("userAccountControl", "514"))).isTrue();
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry("userAccountControl", "66050"))).isTrue();
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry("userAccountControl", "512"))).isFalse();
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry("userAccountControl", "66048"))).isFalse();
    }

    @Test
    @DisplayName("eDirectory: loginDisabled TRUE is disabled, FALSE is not")
    void eDirectory() {
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry("loginDisabled", "TRUE"))).isTrue();
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry("loginDisabled", "FALSE"))).isFalse();
    }

    @Test
    @DisplayName("an entry without a flag, or with a malformed one, is not judged here (the sync's mappers report it)")
    void noFlag() {
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry(null, null))).isFalse();
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry("userAccountControl", "x2"))).isFalse();
        assertThat(DirectorySyncLDAPStorageMapper.disabledInDirectory(entry("userAccountControl", "99999999999999999999"))).isFalse();
    }
}
