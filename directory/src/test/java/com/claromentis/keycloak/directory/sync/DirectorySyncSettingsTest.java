package com.claromentis.keycloak.directory.sync;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Given the directory sync mapper's settings as an administrator saves them")
class DirectorySyncSettingsTest {

    private static ComponentModel model(Map<String, String> values) {
        ComponentModel model = new ComponentModel();
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        values.forEach(config::putSingle);
        model.setConfig(config);
        return model;
    }

    @Test
    @DisplayName("when nothing is set then removal disables, at most 20% at once, reading memberOf")
    void defaults() {
        DirectorySyncSettings settings = DirectorySyncSettings.of(model(Map.of()));

        assertThat(settings.removal()).isEqualTo(DirectorySyncSettings.Removal.DISABLE);
        assertThat(settings.maxRemovalPercent()).isEqualTo(20);
        assertThat(settings.membershipAttribute()).isEqualTo("memberOf");
        assertThat(settings.rolesDn()).as("the directory grants no roles unless told where they are").isNull();
    }

    @Test
    @DisplayName("when a roles DN is set then it is kept in the one spelling memberships are compared in")
    void rolesDn() {
        assertThat(DirectorySyncSettings.of(model(Map.of("roles.dn", " OU=Roles, DC=Example,DC=test "))).rolesDn())
                .isEqualTo("ou=roles,dc=example,dc=test");
    }

    @Test
    @DisplayName("when values are spelled loosely (case, spaces) then they are read as meant")
    void loose() {
        DirectorySyncSettings settings = DirectorySyncSettings.of(model(Map.of("removal", " Delete ",
                "removal.max.percent", " 50 ", "membership.ldap.attribute", " groupMembership ")));

        assertThat(settings.removal()).isEqualTo(DirectorySyncSettings.Removal.DELETE);
        assertThat(settings.maxRemovalPercent()).isEqualTo(50);
        assertThat(settings.membershipAttribute()).isEqualTo("groupMembership");
    }

    @Nested
    @DisplayName("when a value is malformed or hostile")
    class Refused {

        @ParameterizedTest(name = "removal ''{0}''")
        @ValueSource(strings = {"remove", "DISABLE;DROP", "{0}", "disable keep"})
        @DisplayName("then an unknown removal is refused, naming the choices")
        void removal(String value) {
            assertThatThrownBy(() -> DirectorySyncSettings.of(model(Map.of("removal", value))))
                    .isInstanceOf(ComponentValidationException.class)
                    .hasMessageContaining("disable, delete or keep")
                    .hasMessageNotContaining("{");
        }

        @ParameterizedTest(name = "share ''{0}''")
        @ValueSource(strings = {"0", "101", "-5", "99999999999999", "ten", "1e2"})
        @DisplayName("then a share outside 1..100 or not a number is refused")
        void share(String value) {
            assertThatThrownBy(() -> DirectorySyncSettings.of(model(Map.of("removal.max.percent", value))))
                    .isInstanceOf(ComponentValidationException.class)
                    .hasMessageContaining("Largest share removed in one sync");
        }

        @ParameterizedTest(name = "roles DN ''{0}''")
        @ValueSource(strings = {"roles", "=x", "cn", "ou=Roles,,dc=test"})
        @DisplayName("then a roles DN that is no DN is refused")
        void rolesDn(String value) {
            assertThatThrownBy(() -> DirectorySyncSettings.of(model(Map.of("roles.dn", value))))
                    .isInstanceOf(ComponentValidationException.class)
                    .hasMessageContaining("roles DN must be a DN");
        }

        @ParameterizedTest(name = "attribute ''{0}''")
        @ValueSource(strings = {"memberOf)(uid=*", "member of", "1memberOf", "memberOf;binary", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
        @DisplayName("then a membership attribute that is no LDAP attribute name is refused")
        void attribute(String value) {
            assertThatThrownBy(() -> DirectorySyncSettings.validate(model(Map.of("membership.ldap.attribute", value))))
                    .isInstanceOf(ComponentValidationException.class)
                    .hasMessageContaining("LDAP attribute name");
        }
    }
}
