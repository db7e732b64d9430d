package com.claromentis.keycloak.outbox;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.models.UserModel;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

@DisplayName("The fingerprint of what Claromentis holds about a user")
class SignInProvisioningTest {

    @Test
    @DisplayName("is the same for the same fields, so an unchanged sign-in queues nothing")
    void stableForTheSameFields() {
        assertThat(SignInProvisioning.fingerprint(user("Ada", "Lovelace", Map.of("jobTitle", "Analyst"))))
                .isEqualTo(SignInProvisioning.fingerprint(user("Ada", "Lovelace", Map.of("jobTitle", "Analyst"))));
    }

    @Test
    @DisplayName("changes when any Claromentis field changes")
    void changesWithEachField() {
        String base = SignInProvisioning.fingerprint(user("Ada", "Lovelace", Map.of()));

        assertThat(SignInProvisioning.fingerprint(user("Ada", "King", Map.of()))).isNotEqualTo(base);
        for (String attribute : new String[] {"jobTitle", "office", "department", "phone", "manager"}) {
            assertThat(SignInProvisioning.fingerprint(user("Ada", "Lovelace", Map.of(attribute, "x"))))
                    .as(attribute).isNotEqualTo(base);
        }
    }

    @Test
    @DisplayName("tells apart values that only move between neighbouring fields")
    void fieldBoundariesCount() {
        assertThat(SignInProvisioning.fingerprint(user("Ann", "aLee", Map.of())))
                .isNotEqualTo(SignInProvisioning.fingerprint(user("Anna", "Lee", Map.of())));
    }

    @Test
    @DisplayName("ignores attributes Claromentis does not hold")
    void ignoresOtherAttributes() {
        assertThat(SignInProvisioning.fingerprint(user("Ada", "Lovelace", Map.of("locale", "fr"))))
                .isEqualTo(SignInProvisioning.fingerprint(user("Ada", "Lovelace", Map.of())));
    }

    @Test
    @DisplayName("keeps directory groups apart: none for a user no directory names groups of, and the same whatever their order")
    void directoryGroups() {
        assertThat(SignInProvisioning.groupsFingerprint(withGroups())).isNull();
        assertThat(SignInProvisioning.groupsFingerprint(withGroups("cn=a,dc=test", "cn=b,dc=test")))
                .isEqualTo(SignInProvisioning.groupsFingerprint(withGroups("cn=b,dc=test", "cn=a,dc=test")))
                .isNotEqualTo(SignInProvisioning.groupsFingerprint(withGroups("cn=a,dc=test")));
        assertThat(SignInProvisioning.fingerprint(withGroups("cn=a,dc=test")))
                .as("a membership change alone does not re-send the person's fields")
                .isEqualTo(SignInProvisioning.fingerprint(withGroups()));
    }

    @Test
    @DisplayName("keeps directory roles apart from groups, so a role change alone sends roles and a group change alone does not")
    void directoryRoles() {
        UserModel editor = withGroups("cn=a,dc=test");
        when(editor.getAttributeStream(com.claromentis.keycloak.profile.ClaromentisProfile.DIRECTORY_ROLES))
                .thenAnswer(call -> java.util.stream.Stream.of("Editors"));
        UserModel plain = withGroups("cn=a,dc=test");
        when(plain.getAttributeStream(com.claromentis.keycloak.profile.ClaromentisProfile.DIRECTORY_ROLES))
                .thenAnswer(call -> java.util.stream.Stream.empty());

        assertThat(SignInProvisioning.Membership.ROLES.fingerprint(plain)).isNull();
        assertThat(SignInProvisioning.Membership.ROLES.fingerprint(editor)).isNotNull();
        assertThat(SignInProvisioning.Membership.GROUPS.fingerprint(editor))
                .isEqualTo(SignInProvisioning.Membership.GROUPS.fingerprint(plain));
        SignInProvisioning.Queued never = SignInProvisioning.Queued.read(plain);
        assertThat(SignInProvisioning.Membership.changed(plain, never)).containsExactly(SignInProvisioning.Membership.GROUPS);
        assertThat(SignInProvisioning.Membership.changed(editor, never))
                .containsExactly(SignInProvisioning.Membership.GROUPS, SignInProvisioning.Membership.ROLES);
    }

    @org.junit.jupiter.api.Nested
    @DisplayName("given what was last queued, kept in one attribute")
    class LastQueued {

        @Test
        @DisplayName("then fields, groups and roles read back as written, an absent kind as none")
        void roundTrip() {
            SignInProvisioning.Queued queued = new SignInProvisioning.Queued("f1", null, "r1", false);

            assertThat(read(Map.of(SignInProvisioning.FINGERPRINT, queued.encode()))).isEqualTo(queued);
            assertThat(queued.encode()).isEqualTo("v2;f1;;r1");
        }

        @Test
        @DisplayName("then an earlier release's separate attributes are read, and the next store writes one attribute and"
                + " removes only those that exist")
        void earlierRelease() {
            Map<String, String> legacy = Map.of(SignInProvisioning.FINGERPRINT, "0123456789abcdef0123456789abcdef",
                    SignInProvisioning.LEGACY_GROUPS_FINGERPRINT, "groups");
            SignInProvisioning.Queued before = read(legacy);
            UserModel local = mock(UserModel.class);

            before.withFields("new").store(local, before);

            assertThat(before).isEqualTo(new SignInProvisioning.Queued("0123456789abcdef0123456789abcdef", "groups", null, true));
            org.mockito.Mockito.verify(local).setSingleAttribute(SignInProvisioning.FINGERPRINT, "v2;new;groups;");
            org.mockito.Mockito.verify(local).removeAttribute(SignInProvisioning.LEGACY_GROUPS_FINGERPRINT);
            org.mockito.Mockito.verify(local, org.mockito.Mockito.never())
                    .removeAttribute(SignInProvisioning.LEGACY_ROLES_FINGERPRINT);
        }

        @Test
        @DisplayName("then a value cut short, padded or edited by hand reads as not queued for what it lacks, never as"
                + " something queued")
        void hostileValues() {
            assertThat(read(Map.of(SignInProvisioning.FINGERPRINT, "v2;")))
                    .isEqualTo(new SignInProvisioning.Queued(null, null, null, false));
            assertThat(read(Map.of(SignInProvisioning.FINGERPRINT, "v2;f;g;r;extra;;")))
                    .isEqualTo(new SignInProvisioning.Queued("f", "g", "r", false));
            assertThat(read(Map.of(SignInProvisioning.FINGERPRINT, "v2;;;")))
                    .isEqualTo(new SignInProvisioning.Queued(null, null, null, false));
            String fields = SignInProvisioning.fingerprint(user("Ada", "Lovelace", Map.of()));
            assertThat(read(Map.of(SignInProvisioning.FINGERPRINT, "v2;" + "x".repeat(10_000))).fields())
                    .isNotEqualTo(fields);
        }

        @Test
        @DisplayName("then a user nothing was ever queued for reads as never queued")
        void neverQueued() {
            assertThat(read(Map.of())).isEqualTo(new SignInProvisioning.Queued(null, null, null, true));
        }

        private SignInProvisioning.Queued read(Map<String, String> attributes) {
            UserModel user = mock(UserModel.class);
            when(user.getFirstAttribute(org.mockito.ArgumentMatchers.anyString()))
                    .thenAnswer(call -> attributes.get(call.<String>getArgument(0)));
            return SignInProvisioning.Queued.read(user);
        }
    }

    private static UserModel withGroups(String... dns) {
        UserModel user = user("Ada", "Lovelace", Map.of());
        when(user.getAttributeStream(com.claromentis.keycloak.profile.ClaromentisProfile.DIRECTORY_GROUPS))
                .thenAnswer(call -> java.util.Arrays.stream(dns));
        return user;
    }

    private static UserModel user(String first, String last, Map<String, String> attributes) {
        Map<String, String> values = new HashMap<>(attributes);
        UserModel user = mock(UserModel.class);
        when(user.getUsername()).thenReturn("ada");
        when(user.getFirstName()).thenReturn(first);
        when(user.getLastName()).thenReturn(last);
        when(user.getEmail()).thenReturn("ada@example.test");
        when(user.isEnabled()).thenReturn(true);
        when(user.getFirstAttribute(org.mockito.ArgumentMatchers.anyString()))
                .thenAnswer(call -> values.get(call.<String>getArgument(0)));
        return user;
    }
}
