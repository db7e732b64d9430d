package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.broker.provider.AbstractIdentityProviderMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import java.util.List;

/**
 * {@value #PROVIDER_ID} (SPI {@code identity_provider_mapper}): the groups a SAML attribute or OpenID Connect claim
 * names become the user's Keycloak groups under the provider's own parent group ({@link ProviderGroups}), at the
 * first sign-in and, in sync mode {@code FORCE}, at every later one; groups the claim no longer names are left.
 * Keycloak's own group mappers map one fixed value to one fixed group, which no vendor's group claim fits.
 */
public final class GroupClaimMapper extends AbstractIdentityProviderMapper {

    public static final String PROVIDER_ID = "claromentis-group-claim-idp-mapper";
    static final String CLAIM = "claim";

    private static final Logger LOG = Logger.getLogger(GroupClaimMapper.class);
    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(CLAIM).label("Group claim")
            .helpText("The SAML attribute (name or friendly name) or OpenID Connect claim whose values name the user's "
                    + "groups. Each becomes a group under the top-level group named after this provider's alias; a "
                    + "group granting Keycloak administration is never joined, and a claim naming more than "
                    + GroupClaim.MAX_GROUPS + " groups is ignored.")
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
        return "Group Importer";
    }

    @Override
    public String getDisplayType() {
        return "Claromentis groups from a claim";
    }

    @Override
    public String getHelpText() {
        return "Puts the user into the groups a claim names, under the provider's own parent group; never into a "
                + "group that administers Keycloak.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }

    @Override
    public boolean supportsSyncMode(IdentityProviderSyncMode syncMode) {
        return true;
    }

    @Override
    public void importNewUser(KeycloakSession session, RealmModel realm, UserModel user,
                              IdentityProviderMapperModel mapperModel, BrokeredIdentityContext context) {
        sync(session, realm, user, mapperModel, context);
    }

    @Override
    public void updateBrokeredUser(KeycloakSession session, RealmModel realm, UserModel user,
                                   IdentityProviderMapperModel mapperModel, BrokeredIdentityContext context) {
        sync(session, realm, user, mapperModel, context);
    }

    @Override
    public void updateBrokeredUserLegacy(KeycloakSession session, RealmModel realm, UserModel user,
                                         IdentityProviderMapperModel mapperModel, BrokeredIdentityContext context) {
        sync(session, realm, user, mapperModel, context);
    }

    private static void sync(KeycloakSession session, RealmModel realm, UserModel user,
                             IdentityProviderMapperModel mapperModel, BrokeredIdentityContext context) {
        IdentityProviderModel provider = context.getIdpConfig();
        String claim = mapperModel.getConfig().get(CLAIM);
        if (claim == null || claim.isBlank()) {
            LOG.warnf("Group mapper '%s' of identity provider '%s' names no claim: groups left as they are",
                    LogSafe.of(mapperModel.getName()), LogSafe.of(provider.getAlias()));
            return;
        }
        new ProviderGroups(session, realm, provider).sync(user, GroupClaim.of(ClaimValues.of(context, claim)));
    }
}
