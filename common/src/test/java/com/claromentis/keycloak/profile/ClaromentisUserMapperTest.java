package com.claromentis.keycloak.profile;

import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ClaromentisUserMapper")
class ClaromentisUserMapperTest {

    private static ClaromentisUser.Builder jane() {
        return ClaromentisUser.builder("jdoe").id(42L).firstName("Jane").surname("Doe").email(" Jane.Doe@Example.ORG ")
                .phone("+44 113 496 0000").jobTitle("Engineer").officeLocation("London").department("IT")
                .externalId("HR-42").active(true);
    }

    @Nested
    @DisplayName("given a Claromentis user applied to a new Keycloak user")
    class ApplyNew {

        @Test
        @DisplayName("then every field is copied and the email is trimmed and lower-cased, but not marked verified")
        void copiesEverything() {
            InMemoryUser target = new InMemoryUser("jdoe");

            boolean changed = ClaromentisUserMapper.apply(jane().managerUsername("mgreen").managerId(7L).build(), target);

            assertThat(changed).isTrue();
            assertThat(target.getFirstName()).isEqualTo("Jane");
            assertThat(target.getLastName()).isEqualTo("Doe");
            assertThat(target.getEmail()).isEqualTo("jane.doe@example.org");
            assertThat(target.isEmailVerified()).isFalse();
            assertThat(target.isEnabled()).isTrue();
            assertThat(target.getFirstAttribute(ClaromentisProfile.JOB_TITLE)).isEqualTo("Engineer");
            assertThat(target.getFirstAttribute(ClaromentisProfile.OFFICE)).isEqualTo("London");
            assertThat(target.getFirstAttribute(ClaromentisProfile.DEPARTMENT)).isEqualTo("IT");
            assertThat(target.getFirstAttribute(ClaromentisProfile.PHONE)).isEqualTo("+44 113 496 0000");
            assertThat(target.getFirstAttribute(ClaromentisProfile.MANAGER)).isEqualTo("mgreen");
            assertThat(target.getFirstAttribute(ClaromentisProfile.EXTERNAL_ID)).isEqualTo("HR-42");
            assertThat(target.getFirstAttribute(ClaromentisProfile.CLAROMENTIS_ID)).isEqualTo("42");
        }

        @Test
        @DisplayName("then an inactive Claromentis user is disabled")
        void inactiveIsDisabled() {
            InMemoryUser target = new InMemoryUser("jdoe");

            ClaromentisUserMapper.apply(jane().active(false).build(), target);

            assertThat(target.isEnabled()).isFalse();
        }
    }

    @Nested
    @DisplayName("given a Keycloak user that brute-force protection locked out for good")
    class LockedOut {

        @Test
        @DisplayName("when Claromentis says the person is active, then the user stays disabled")
        void staysLocked() {
            InMemoryUser target = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().build(), target);
            target.setEnabled(false);
            target.setSingleAttribute("disabledReason", "permanentLockout");

            ClaromentisUserMapper.apply(jane().build(), target);

            assertThat(target.isEnabled()).isFalse();
        }

        @Test
        @DisplayName("when an administrator unlocked it (enabled, reason gone), then Claromentis' state applies again")
        void unlocked() {
            InMemoryUser target = new InMemoryUser("jdoe");
            target.setSingleAttribute("disabledReason", "permanentLockout");
            target.setEnabled(true);

            ClaromentisUserMapper.apply(jane().active(false).build(), target);

            assertThat(target.isEnabled()).isFalse();
        }
    }

    @Nested
    @DisplayName("given a verified Keycloak user whose email changes in Claromentis")
    class EmailChange {

        @Test
        @DisplayName("then the new address is not marked verified")
        void newAddressUnverified() {
            InMemoryUser target = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().build(), target);
            target.setEmailVerified(true);

            ClaromentisUserMapper.apply(jane().email("other@example.org").build(), target);

            assertThat(target.getEmail()).isEqualTo("other@example.org");
            assertThat(target.isEmailVerified()).isFalse();
        }
    }

    @Nested
    @DisplayName("given a Keycloak user already up to date")
    class ApplyAgain {

        @Test
        @DisplayName("then applying the same user again reports no change")
        void idempotent() {
            InMemoryUser target = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().build(), target);

            assertThat(ClaromentisUserMapper.apply(jane().build(), target)).isFalse();
        }

        @Test
        @DisplayName("then a blank field in Claromentis and a missing one in Keycloak count as equal")
        void blankEqualsNull() {
            InMemoryUser target = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().jobTitle(null).firstName(null).build(), target);

            assertThat(ClaromentisUserMapper.apply(jane().jobTitle("  ").firstName("").build(), target)).isFalse();
            assertThat(target.getAttributes()).doesNotContainKey(ClaromentisProfile.JOB_TITLE);
        }

        @Test
        @DisplayName("then a field cleared in Claromentis is removed in Keycloak")
        void clearedIsRemoved() {
            InMemoryUser target = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().build(), target);

            boolean changed = ClaromentisUserMapper.apply(jane().jobTitle(null).officeLocation(" ").build(), target);

            assertThat(changed).isTrue();
            assertThat(target.getAttributes()).doesNotContainKeys(ClaromentisProfile.JOB_TITLE, ClaromentisProfile.OFFICE);
        }

        @Test
        @DisplayName("then the manager is kept when only the manager's id is known (list payload)")
        void managerKeptWhenOnlyIdKnown() {
            InMemoryUser target = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().managerId(7L).managerUsername("mgreen").build(), target);

            boolean changed = ClaromentisUserMapper.apply(jane().managerId(7L).managerUsername(null).build(), target);

            assertThat(changed).isFalse();
            assertThat(target.getFirstAttribute(ClaromentisProfile.MANAGER)).isEqualTo("mgreen");
        }

        @Test
        @DisplayName("then the manager is removed when Claromentis has none any more")
        void managerRemovedWhenGone() {
            InMemoryUser target = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().managerId(7L).managerUsername("mgreen").build(), target);

            ClaromentisUserMapper.apply(jane().managerId(null).managerUsername(null).build(), target);

            assertThat(target.getAttributes()).doesNotContainKey(ClaromentisProfile.MANAGER);
        }

        @Test
        @DisplayName("then an email changed only in case makes no change")
        void emailCaseOnly() {
            InMemoryUser target = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().build(), target);

            assertThat(ClaromentisUserMapper.apply(jane().email("JANE.DOE@EXAMPLE.ORG").build(), target)).isFalse();
        }
    }

    @Nested
    @DisplayName("given a Keycloak user edited in the admin console")
    class ToClaromentis {

        @Test
        @DisplayName("then merge replaces the editable fields and keeps the id, the manager and the username")
        void mergeKeepsWhatKeycloakDoesNotHold() {
            InMemoryUser edited = new InMemoryUser("jdoe");
            ClaromentisUserMapper.apply(jane().build(), edited);
            edited.setFirstName("Janet");
            edited.setSingleAttribute(ClaromentisProfile.JOB_TITLE, "Lead Engineer");
            ClaromentisUser current = jane().managerId(7L).build();

            ClaromentisUser merged = ClaromentisUserMapper.merge(current, edited);

            assertThat(merged.id()).isEqualTo(42L);
            assertThat(merged.username()).isEqualTo("jdoe");
            assertThat(merged.managerId()).isEqualTo(7L);
            assertThat(merged.firstName()).isEqualTo("Janet");
            assertThat(merged.jobTitle()).isEqualTo("Lead Engineer");
            assertThat(merged.email()).isEqualTo("jane.doe@example.org");
        }

        @Test
        @DisplayName("then blank Keycloak fields are sent as absent, not as empty strings")
        void blankSentAsNull() {
            InMemoryUser edited = new InMemoryUser("jdoe");
            edited.setFirstName("  ");
            edited.setSingleAttribute(ClaromentisProfile.OFFICE, "");

            ClaromentisUser created = ClaromentisUserMapper.fromKeycloak(edited);

            assertThat(created.firstName()).isNull();
            assertThat(created.officeLocation()).isNull();
            assertThat(created.id()).isNull();
        }

        @Test
        @DisplayName("then a Claromentis id that is not a number is treated as unknown")
        void badIdIsUnknown() {
            InMemoryUser user = new InMemoryUser("jdoe");
            user.setSingleAttribute(ClaromentisProfile.CLAROMENTIS_ID, "42; DROP");

            assertThat(ClaromentisUserMapper.claromentisId(user)).isNull();
        }
    }
}
