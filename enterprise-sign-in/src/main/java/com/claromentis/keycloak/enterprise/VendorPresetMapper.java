package com.claromentis.keycloak.enterprise;

import org.keycloak.broker.provider.AbstractIdentityProviderMapper;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.Arrays;
import java.util.List;

/**
 * The vendor presets from the admin console: adding this mapper to a SAML or OpenID Connect provider (its
 * <em>Mappers</em> tab, <em>Add mapper</em>, type "Claromentis vendor preset") applies the chosen vendor's preset
 * when it is saved, as the admin REST call does ({@link PresetMapperSavedListenerFactory}), and saving it again
 * applies it again, which changes nothing unless the vendor changed. It does nothing at sign-in; its
 * {@value #RESULT} setting shows what the last save did.
 */
public final class VendorPresetMapper extends AbstractIdentityProviderMapper {

    public static final String PROVIDER_ID = "claromentis-vendor-preset";
    static final String VENDOR = "vendor";
    static final String RESULT = "result";

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(VENDOR).label("Vendor")
            .helpText("The preset to apply when this mapper is saved: the vendor's NameID policy and signature "
                    + "settings, and attribute importers for username, email, names, job title, office, department, "
                    + "phone, manager and groups, all syncing at every sign-in. Every mapping stays editable.")
            .type(ProviderConfigProperty.LIST_TYPE)
            .options(Arrays.stream(SignInVendor.values()).map(SignInVendor::pathName).toList())
            .defaultValue(SignInVendor.GENERIC.pathName()).add()
            .property().name(RESULT).label("Result of the last save")
            .helpText("Written by the server when the mapper is saved: what the preset changed, or why it was refused. "
                    + "Reload the page after saving to see it.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String[] getCompatibleProviders() {
        return new String[] {"saml", "oidc", "keycloak-oidc"};
    }

    @Override
    public String getDisplayCategory() {
        return "Preset";
    }

    @Override
    public String getDisplayType() {
        return "Claromentis vendor preset";
    }

    @Override
    public String getHelpText() {
        return "Applies the ADFS, Entra ID (SAML), Okta, Duo, Centrify/Delinea, OneLogin or generic preset to this "
                + "provider when saved.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }

    @Override
    public boolean supportsSyncMode(IdentityProviderSyncMode syncMode) {
        return true;
    }
}
