package com.claromentis.keycloak.directory.sync;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Directory group DNs as kept on a Keycloak user")
class DirectoryGroupsTest {

    @Test
    @DisplayName("one group spelled differently by two servers is one DN")
    void normalised() {
        assertThat(DirectoryGroups.normalize("CN=Team,OU=Groups,DC=Example,DC=Test"))
                .isEqualTo(DirectoryGroups.normalize("cn=team, ou=groups, dc=example, dc=test"))
                .isEqualTo("cn=team,ou=groups,dc=example,dc=test");
    }

    @Test
    @DisplayName("escaped commas and non-ASCII names stay part of the value")
    void escapes() {
        assertThat(DirectoryGroups.normalize("CN=Smith\\, John,OU=Zürich,DC=example,DC=test"))
                .isEqualTo("cn=smith\\, john,ou=zürich,dc=example,dc=test");
    }

    @Test
    @DisplayName("values that are not DNs, empty or absurdly long, are left out rather than failing the user")
    void hostile() {
        List<String> values = new ArrayList<>(List.of("not a dn", "", "=x", "cn=ok,dc=test"));
        values.add("cn=" + "x".repeat(10_000));

        assertThat(DirectoryGroups.of(values)).containsExactly("cn=ok,dc=test");
        assertThat(DirectoryGroups.of(null)).isEmpty();
    }

    @Test
    @DisplayName("an entry naming more groups than any person is in is cut at the limit")
    void bounded() {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < DirectoryGroups.MAX_GROUPS + 500; i++) {
            values.add("cn=g" + i + ",dc=test");
        }

        assertThat(DirectoryGroups.of(values)).hasSize(DirectoryGroups.MAX_GROUPS);
    }
}
