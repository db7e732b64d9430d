package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.profile.ClaromentisProfile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Given the vendor presets for SAML 2.0 and OpenID Connect providers")
class EnterprisePresetTest {

    @Nested
    @DisplayName("when a SAML preset is built")
    class Saml {

        @ParameterizedTest
        @EnumSource(SignInVendor.class)
        @DisplayName("then it checks the signature of every assertion and syncs at every sign-in")
        void signaturesAndSync(SignInVendor vendor) {
            EnterprisePreset preset = EnterprisePreset.of(vendor, Protocol.SAML);

            assertThat(preset.providerConfig()).containsEntry("validateSignature", "true")
                    .containsEntry("wantAssertionsSigned", "true").containsEntry("postBindingResponse", "true")
                    .containsEntry("syncMode", "FORCE").containsKey("nameIDPolicyFormat");
            assertThat(preset.mappers()).allSatisfy(m -> assertThat(m.owned()).containsEntry("syncMode", "FORCE"));
        }

        @ParameterizedTest
        @EnumSource(SignInVendor.class)
        @DisplayName("then it maps email, names, every Claromentis attribute and groups, each from a claim of its own")
        void mapsEveryAttribute(SignInVendor vendor) {
            EnterprisePreset preset = EnterprisePreset.of(vendor, Protocol.SAML);

            List<String> filled = preset.mappers().stream().map(m -> m.owned().get("user.attribute"))
                    .filter(a -> a != null).toList();
            assertThat(filled).containsExactlyInAnyOrderElementsOf(concat(List.of("email", "firstName", "lastName"),
                    ClaromentisProfile.DIRECTORY_OWNED));
            List<String> claims = preset.mappers().stream().filter(m -> !m.type().equals(ClaimGuardMapper.PROVIDER_ID))
                    .map(m -> m.owned().getOrDefault("attribute.name", m.owned().get("claim"))).toList();
            assertThat(claims).doesNotContainNull().allMatch(c -> !c.isBlank()).doesNotHaveDuplicates();
            assertThat(preset.mappers()).filteredOn(m -> m.type().equals(GroupClaimMapper.PROVIDER_ID)).hasSize(1);
            assertThat(preset.mappers()).as("hostile attribute values are dropped before any importer reads them")
                    .filteredOn(m -> m.type().equals(ClaimGuardMapper.PROVIDER_ID)).hasSize(1);
        }

        @Test
        @DisplayName("then ADFS reads the AD FS claim URIs, the username from the Name claim")
        void adfsClaims() {
            EnterprisePreset preset = EnterprisePreset.of(SignInVendor.ADFS, Protocol.SAML);

            assertThat(preset.providerConfig()).containsEntry("principalType", "ATTRIBUTE")
                    .containsEntry("principalAttribute", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name");
            assertThat(claimOf(preset, "email")).isEqualTo("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress");
            assertThat(claimOf(preset, "firstName")).isEqualTo("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname");
            assertThat(claimOf(preset, "lastName")).isEqualTo("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname");
            assertThat(groupClaim(preset)).isEqualTo("http://schemas.xmlsoap.org/claims/Group");
        }

        @Test
        @DisplayName("then Okta reads short names and takes the username from the NameID")
        void oktaShortNames() {
            EnterprisePreset preset = EnterprisePreset.of(SignInVendor.OKTA, Protocol.SAML);

            assertThat(preset.providerConfig()).containsEntry("principalType", "SUBJECT")
                    .doesNotContainKey("principalAttribute")
                    .containsEntry("nameIDPolicyFormat", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified");
            assertThat(claimOf(preset, "email")).isEqualTo("email");
            assertThat(claimOf(preset, ClaromentisProfile.JOB_TITLE)).isEqualTo("title");
            assertThat(groupClaim(preset)).isEqualTo("groups");
        }
    }

    @Nested
    @DisplayName("when an OpenID Connect preset is built")
    class Oidc {

        @ParameterizedTest
        @EnumSource(value = SignInVendor.class, names = "ENTRA_SAML", mode = EnumSource.Mode.EXCLUDE)
        @DisplayName("then it maps every Claromentis attribute and groups from claims, syncing at every sign-in")
        void mapsClaims(SignInVendor vendor) {
            EnterprisePreset preset = EnterprisePreset.of(vendor, Protocol.OIDC);

            assertThat(preset.providerConfig()).containsOnlyKeys("syncMode").containsEntry("syncMode", "FORCE");
            assertThat(preset.mappers().stream().map(m -> m.owned().get("user.attribute")).filter(a -> a != null))
                    .containsExactlyInAnyOrderElementsOf(ClaromentisProfile.DIRECTORY_OWNED);
            assertThat(preset.mappers()).allSatisfy(m -> assertThat(m.owned().get("claim")).isNotBlank());
        }

        @Test
        @DisplayName("then Entra ID is refused with the provider type to use instead")
        void entraRefused() {
            assertThatThrownBy(() -> EnterprisePreset.of(SignInVendor.ENTRA_SAML, Protocol.OIDC))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Microsoft Entra ID (Azure AD)");
        }
    }

    @Nested
    @DisplayName("when a vendor or provider type is named")
    class Names {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "ADFS2", "adfs\n", "<script>", "okta/../adfs", "../../etc/passwd"})
        @DisplayName("then anything but a known vendor's name is no vendor")
        void unknownVendors(String name) {
            assertThat(SignInVendor.fromPath(name)).as(name).isEmpty();
        }

        @Test
        @DisplayName("then a vendor's name is read whatever its case")
        void caseInsensitive() {
            assertThat(SignInVendor.fromPath("OneLogin")).contains(SignInVendor.ONELOGIN);
            assertThat(SignInVendor.fromPath(null)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"microsoft", "entra-id", "google", "test-social", "SAML", ""})
        @DisplayName("then only saml, oidc and keycloak-oidc providers take a preset")
        void otherTypes(String type) {
            assertThat(Protocol.of(type)).isEmpty();
            assertThat(Protocol.of("saml")).contains(Protocol.SAML);
            assertThat(Protocol.of("keycloak-oidc")).contains(Protocol.OIDC);
        }
    }

    @Test
    @DisplayName("then a mapper is named after the attribute it fills, as an administrator reads it")
    void mapperNames() {
        assertThat(EnterprisePreset.displayName(ClaromentisProfile.JOB_TITLE)).isEqualTo("job title");
        assertThat(EnterprisePreset.of(SignInVendor.GENERIC, Protocol.SAML).mappers().stream().map(MapperSpec::name)
                .collect(Collectors.toList())).doesNotHaveDuplicates();
    }

    private static String claimOf(EnterprisePreset preset, String userAttribute) {
        return preset.mappers().stream().filter(m -> userAttribute.equals(m.owned().get("user.attribute")))
                .map(m -> m.owned().get("attribute.name")).findFirst().orElseThrow();
    }

    private static String groupClaim(EnterprisePreset preset) {
        return preset.mappers().stream().filter(m -> m.type().equals(GroupClaimMapper.PROVIDER_ID))
                .map(m -> m.owned().get("claim")).findFirst().orElseThrow();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
