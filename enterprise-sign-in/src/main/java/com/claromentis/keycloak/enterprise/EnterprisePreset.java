package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.profile.ClaromentisProfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a vendor preset sets on a SAML 2.0 or OpenID Connect identity provider: the provider's own settings (NameID
 * policy, where the username comes from, signatures, sync mode) and the mappers that carry the vendor's claims onto
 * the Keycloak user and the Claromentis attributes.
 *
 * <p>Every mapper and the provider sync in mode {@code FORCE}: the values the vendor sends at each sign-in replace
 * the user's, so Keycloak (and through the provisioning outbox, Claromentis) follows the vendor's directory.
 */
record EnterprisePreset(SignInVendor vendor, Protocol protocol, Map<String, String> providerConfig,
                        List<MapperSpec> mappers) {

    static final String SAML_ATTRIBUTE_MAPPER = "saml-user-attribute-idp-mapper";
    static final String OIDC_ATTRIBUTE_MAPPER = "oidc-user-attribute-idp-mapper";
    static final String USER_ATTRIBUTE = "user.attribute";
    static final String SAML_ATTRIBUTE_NAME = "attribute.name";
    static final String OIDC_CLAIM = "claim";
    static final String SYNC_MODE = "syncMode";
    static final String FORCE = "FORCE";
    static final String GROUPS_MAPPER_NAME = "claromentis groups";

    /** Provider settings a SAML preset owns (all keys of Keycloak's {@code SAMLIdentityProviderConfig}). */
    static final String NAME_ID_POLICY = "nameIDPolicyFormat";
    static final String PRINCIPAL_TYPE = "principalType";
    static final String PRINCIPAL_ATTRIBUTE = "principalAttribute";
    static final String VALIDATE_SIGNATURE = "validateSignature";
    static final String WANT_ASSERTIONS_SIGNED = "wantAssertionsSigned";
    static final String POST_BINDING_RESPONSE = "postBindingResponse";
    static final String SIGNING_CERTIFICATE = "signingCertificate";
    static final String USE_METADATA_URL = "useMetadataDescriptorUrl";
    static final String METADATA_URL = "metadataDescriptorUrl";

    EnterprisePreset {
        providerConfig = Map.copyOf(providerConfig);
        mappers = List.copyOf(mappers);
    }

    /**
     * @throws IllegalArgumentException when the vendor has no preset for that protocol (Entra ID over OpenID Connect
     *                                  has a provider type of its own)
     */
    static EnterprisePreset of(SignInVendor vendor, Protocol protocol) {
        return protocol == Protocol.SAML ? saml(vendor) : oidc(vendor);
    }

    private static EnterprisePreset saml(SignInVendor vendor) {
        SignInVendor.Saml claims = vendor.saml();
        Map<String, String> provider = new LinkedHashMap<>();
        provider.put(NAME_ID_POLICY, claims.nameIdFormat());
        if (claims.usernameClaim() == null) {
            provider.put(PRINCIPAL_TYPE, "SUBJECT");
        } else {
            provider.put(PRINCIPAL_TYPE, "ATTRIBUTE");
            provider.put(PRINCIPAL_ATTRIBUTE, claims.usernameClaim());
        }
        // Without these Keycloak accepts an altered or unsigned assertion from anyone who can reach the endpoint.
        provider.put(VALIDATE_SIGNATURE, "true");
        provider.put(WANT_ASSERTIONS_SIGNED, "true");
        provider.put(POST_BINDING_RESPONSE, "true");
        provider.put(SYNC_MODE, FORCE);

        List<MapperSpec> mappers = new ArrayList<>();
        mappers.add(samlAttribute("email", "email", claims.email()));
        mappers.add(samlAttribute("first name", "firstName", claims.firstName()));
        mappers.add(samlAttribute("last name", "lastName", claims.lastName()));
        for (String attribute : ClaromentisProfile.DIRECTORY_OWNED) {
            mappers.add(samlAttribute(displayName(attribute), attribute, claims.claromentis().get(attribute)));
        }
        mappers.add(groups(claims.groups()));
        mappers.add(new MapperSpec("claromentis attribute guard", ClaimGuardMapper.PROVIDER_ID, null, Map.of(SYNC_MODE, FORCE)));
        return new EnterprisePreset(vendor, Protocol.SAML, provider, mappers);
    }

    private static EnterprisePreset oidc(SignInVendor vendor) {
        SignInVendor.Oidc claims = vendor.oidc().orElseThrow(() -> new IllegalArgumentException(
                "The " + vendor.pathName() + " preset is for SAML providers only; for OpenID Connect sign-in with "
                        + "Entra ID use the 'Microsoft Entra ID (Azure AD)' provider type"));
        List<MapperSpec> mappers = new ArrayList<>();
        for (String attribute : ClaromentisProfile.DIRECTORY_OWNED) {
            mappers.add(new MapperSpec(displayName(attribute), OIDC_ATTRIBUTE_MAPPER, USER_ATTRIBUTE, Map.of(
                    OIDC_CLAIM, claims.claromentis().get(attribute), USER_ATTRIBUTE, attribute, SYNC_MODE, FORCE)));
        }
        mappers.add(groups(claims.groups()));
        return new EnterprisePreset(vendor, Protocol.OIDC, Map.of(SYNC_MODE, FORCE), mappers);
    }

    private static MapperSpec samlAttribute(String name, String userAttribute, String claim) {
        return new MapperSpec(name, SAML_ATTRIBUTE_MAPPER, USER_ATTRIBUTE,
                Map.of(SAML_ATTRIBUTE_NAME, claim, USER_ATTRIBUTE, userAttribute, SYNC_MODE, FORCE));
    }

    private static MapperSpec groups(String claim) {
        return new MapperSpec(GROUPS_MAPPER_NAME, GroupClaimMapper.PROVIDER_ID, null,
                Map.of(GroupClaimMapper.CLAIM, claim, SYNC_MODE, FORCE));
    }

    /** "jobTitle" as "job title": the mapper name an administrator sees. */
    static String displayName(String attribute) {
        return attribute.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }
}
