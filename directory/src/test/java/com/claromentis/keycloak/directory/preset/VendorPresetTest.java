package com.claromentis.keycloak.directory.preset;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.stream.Collectors;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Given the vendor presets")
class VendorPresetTest {

    private static Map<String, String> attributeMappers(VendorPreset preset) {
        return preset.mappers().stream().filter(m -> VendorPreset.USER_ATTRIBUTE_MAPPER.equals(m.providerId()))
                .collect(Collectors.toMap(m -> m.owned().get(VendorPreset.MODEL_ATTRIBUTE),
                        m -> m.owned().get(VendorPreset.LDAP_ATTRIBUTE)));
    }

    @Nested
    @DisplayName("when one is built for a vendor")
    class PerVendor {

        @Test
        @DisplayName("then Active Directory keys users by objectGUID, names them by sAMAccountName and maps userAccountControl")
        void activeDirectory() {
            VendorPreset preset = VendorPreset.of(Vendor.AD, false, "dc=x", "/ldap");

            assertThat(preset.providerConfig()).containsEntry("uuidLDAPAttribute", "objectGUID")
                    .containsEntry("usernameLDAPAttribute", "sAMAccountName").containsEntry("vendor", "ad");
            assertThat(attributeMappers(preset)).containsEntry("department", "department")
                    .containsEntry("jobTitle", "title").containsEntry("office", "physicalDeliveryOfficeName")
                    .containsEntry("externalId", "employeeNumber").containsEntry("phone", "telephoneNumber");
            assertThat(preset.mappers()).anyMatch(m -> m.providerId().equals("msad-user-account-control-mapper"));
        }

        @Test
        @DisplayName("then eDirectory reads department from ou and the enabled state from loginDisabled")
        void eDirectory() {
            VendorPreset preset = VendorPreset.of(Vendor.EDIRECTORY, false, "o=x", "/ldap");

            assertThat(preset.providerConfig()).containsEntry("uuidLDAPAttribute", "guid");
            assertThat(attributeMappers(preset)).containsEntry("department", "ou");
            assertThat(preset.mappers()).anyMatch(m -> m.providerId().equals("claromentis-login-disabled-mapper"));
        }

        @Test
        @DisplayName("then OpenLDAP reads departmentNumber and maps no enabled state")
        void openLdap() {
            VendorPreset preset = VendorPreset.of(Vendor.OPENLDAP, false, "dc=x", "/ldap");

            assertThat(attributeMappers(preset)).containsEntry("department", "departmentNumber");
            assertThat(preset.mappers()).noneMatch(m -> m.providerId().contains("account-control")
                    || m.providerId().contains("login-disabled"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Vendor.class)
    @DisplayName("then every vendor's groups land under the given parent group and the manager is mapped")
    void groupsUnderParent(Vendor vendor) {
        VendorPreset preset = VendorPreset.of(vendor, true, "ou=groups", "/corp");

        assertThat(preset.mappers()).filteredOn(m -> m.providerId().equals("group-ldap-mapper")).singleElement()
                .satisfies(m -> assertThat(m.owned()).containsEntry("groups.path", "/corp")
                        .containsEntry("groups.dn", "ou=groups"));
        assertThat(preset.mappers()).anyMatch(m -> m.providerId().equals("claromentis-manager-mapper"));
        assertThat(preset.mappers()).filteredOn(m -> m.providerId().equals("user-attribute-ldap-mapper"))
                .allSatisfy(m -> assertThat(m.defaults()).containsEntry("read.only", "false"));
    }

    @Test
    @DisplayName("then the REST path names them ad, edirectory and openldap, and nothing else")
    void pathNames() {
        assertThat(Vendor.fromPath("AD")).contains(Vendor.AD);
        assertThat(Vendor.fromPath("openldap")).contains(Vendor.OPENLDAP);
        assertThat(Vendor.fromPath("edirectory")).contains(Vendor.EDIRECTORY);
        assertThat(Vendor.fromPath("novell")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Vendor.class)
    @DisplayName("then every vendor gets the directory sync mapper reading its membership attribute, and Keycloak no longer deletes users its lookups miss")
    void directorySync(Vendor vendor) {
        VendorPreset preset = VendorPreset.of(vendor, false, "ou=groups", "/corp");

        assertThat(preset.mappers()).filteredOn(m -> m.providerId().equals("claromentis-directory-sync")).singleElement()
                .satisfies(m -> assertThat(m.owned()).containsEntry("membership.ldap.attribute",
                        vendor == Vendor.EDIRECTORY ? "groupMembership" : "memberOf"));
        assertThat(preset.providerConfig()).containsEntry("removeInvalidUsersEnabled", "false");
    }

    @Nested
    @DisplayName("when sync groups are named")
    class SyncGroups {

        @Test
        @DisplayName("then Active Directory follows nested groups through LDAP_MATCHING_RULE_IN_CHAIN")
        void activeDirectoryInChain() {
            assertThat(VendorPreset.syncGroupsFilter(Vendor.AD, List.of("CN=Staff,OU=Groups,DC=example,DC=test")))
                    .isEqualTo("(memberOf:1.2.840.113556.1.4.1941:=CN=Staff,OU=Groups,DC=example,DC=test)");
        }

        @Test
        @DisplayName("then several groups are any of them, on OpenLDAP's memberOf and eDirectory's groupMembership")
        void several() {
            assertThat(VendorPreset.syncGroupsFilter(Vendor.OPENLDAP, List.of("cn=a,dc=test", "cn=b,dc=test")))
                    .isEqualTo("(|(memberOf=cn=a,dc=test)(memberOf=cn=b,dc=test))");
            assertThat(VendorPreset.syncGroupsFilter(Vendor.EDIRECTORY, List.of("cn=a,o=corp")))
                    .isEqualTo("(groupMembership=cn=a,o=corp)");
        }

        @Test
        @DisplayName("then filter characters in a DN stay one value and cannot widen the filter")
        void hostileDn() {
            assertThat(VendorPreset.syncGroupsFilter(Vendor.OPENLDAP, List.of("cn=*)(uid=*,dc=test")))
                    .isEqualTo("(memberOf=cn=\\2a\\29\\28uid=\\2a,dc=test)");
            assertThat(VendorPreset.syncGroupsFilter(Vendor.AD, List.of("CN=Smith\\, John,DC=test")))
                    .isEqualTo("(memberOf:1.2.840.113556.1.4.1941:=CN=Smith\\5c, John,DC=test)");
        }

        @Test
        @DisplayName("then a value that is not a DN is refused with a clear message")
        void notADn() {
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                    .isThrownBy(() -> VendorPreset.syncGroupsFilter(Vendor.OPENLDAP, List.of("staff")))
                    .withMessageContaining("DN of a group");
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                    .isThrownBy(() -> VendorPreset.syncGroupsFilter(Vendor.OPENLDAP, List.of(" ")));
        }
    }
}
