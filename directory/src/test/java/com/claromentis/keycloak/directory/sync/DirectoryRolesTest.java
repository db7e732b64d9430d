package com.claromentis.keycloak.directory.sync;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Directory role groups read from a user's memberships")
class DirectoryRolesTest {

    private static final String ROLES = DirectoryGroups.normalize("ou=Roles,dc=example,dc=test");

    @Nested
    @DisplayName("given the roles DN ou=Roles,dc=example,dc=test")
    class GivenRolesDn {

        @Test
        @DisplayName("a group directly under it is a role, named as the directory spells it")
        void directChild() {
            assertThat(DirectoryRoles.names(ROLES, List.of("CN=Intranet Editors,OU=roles,DC=Example,DC=test",
                    "cn=Staff,ou=Groups,dc=example,dc=test")))
                    .containsExactly("Intranet Editors");
        }

        @Test
        @DisplayName("a group further down, or the roles entry itself, is not a role")
        void onlyDirectChildren() {
            assertThat(DirectoryRoles.names(ROLES, List.of("cn=Deep,ou=Team,ou=Roles,dc=example,dc=test",
                    "ou=Roles,dc=example,dc=test", "dc=test"))).isEmpty();
        }

        @Test
        @DisplayName("escaped characters and non-ASCII names become the plain name")
        void escapedNames() {
            assertThat(DirectoryRoles.names(ROLES, List.of("cn=Smith\\, Jones,ou=Roles,dc=example,dc=test",
                    "cn=Rédacteurs,ou=Roles,dc=example,dc=test")))
                    .containsExactlyInAnyOrder("Smith, Jones", "Rédacteurs");
        }

        @Test
        @DisplayName("hostile values (not DNs, control characters, names too long for Keycloak) grant nothing")
        void hostile() {
            List<String> values = new ArrayList<>(List.of("not a dn", "", "cn=,ou=Roles,dc=example,dc=test",
                    "cn=a\\0Ab,ou=Roles,dc=example,dc=test", "cn=ok,ou=Roles,dc=example,dc=test"));
            values.add("cn=" + "x".repeat(256) + ",ou=Roles,dc=example,dc=test");
            values.add(null);

            assertThat(DirectoryRoles.names(ROLES, values)).containsExactly("ok");
        }

        @Test
        @DisplayName("an entry naming more role groups than anyone holds is cut at the limit")
        void bounded() {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < DirectoryGroups.MAX_GROUPS + 10; i++) {
                values.add("cn=r" + i + ",ou=Roles,dc=example,dc=test");
            }
            assertThat(DirectoryRoles.names(ROLES, values)).hasSize(DirectoryGroups.MAX_GROUPS);
        }
    }

    @Test
    @DisplayName("without a roles DN nothing is a role")
    void noRolesDn() {
        assertThat(DirectoryRoles.names(null, List.of("cn=x,ou=Roles,dc=example,dc=test"))).isEmpty();
    }
}
