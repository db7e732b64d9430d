package com.claromentis.keycloak.directory.preset;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.stream.Collectors;

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
}
