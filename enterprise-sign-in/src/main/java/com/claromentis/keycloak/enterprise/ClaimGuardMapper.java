package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.broker.provider.AbstractIdentityProviderMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.broker.saml.SAMLEndpoint;
import org.keycloak.dom.saml.v2.assertion.AssertionType;
import org.keycloak.dom.saml.v2.assertion.AttributeStatementType;
import org.keycloak.dom.saml.v2.assertion.AttributeType;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;

import java.util.List;
import java.util.HashMap;
import java.util.Map;

/**
 * {@value #PROVIDER_ID}: takes out of a SAML assertion, before any attribute importer reads it, every value of an
 * imported attribute that {@link ClaimValueRule} refuses (a line break, a control character, markup, more than 255
 * characters), so such a value never becomes a Keycloak attribute, a name or an email, nor reaches Claromentis. The
 * attribute is then absent for that sign-in, as if the vendor had not sent it. Keycloak calls every mapper's
 * {@code preprocessFederatedIdentity} before it imports or updates the user with any of them.
 */
public final class ClaimGuardMapper extends AbstractIdentityProviderMapper {

    public static final String PROVIDER_ID = "claromentis-claim-guard-idp-mapper";

    private static final Logger LOG = Logger.getLogger(ClaimGuardMapper.class);

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String[] getCompatibleProviders() {
        return new String[] {"saml"};
    }

    @Override
    public String getDisplayCategory() {
        return "Preprocessor";
    }

    @Override
    public String getDisplayType() {
        return "Claromentis attribute guard";
    }

    @Override
    public String getHelpText() {
        return "Drops values of imported attributes that hold line breaks, control characters or markup, or are longer "
                + "than " + ClaimValueRule.MAX_LENGTH + " characters, before any importer reads them.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public boolean supportsSyncMode(IdentityProviderSyncMode syncMode) {
        return true;
    }

    @Override
    public void preprocessFederatedIdentity(KeycloakSession session, RealmModel realm, IdentityProviderMapperModel mapperModel,
                                            BrokeredIdentityContext context) {
        if (!(context.getContextData().get(SAMLEndpoint.SAML_ASSERTION) instanceof AssertionType assertion)) {
            return;
        }
        String alias = context.getIdpConfig().getAlias();
        // Claim name -> the Keycloak attribute an importer of this provider fills from it.
        Map<String, String> imported = new HashMap<>();
        session.identityProviders().getMappersByAliasStream(alias)
                .filter(m -> EnterprisePreset.SAML_ATTRIBUTE_MAPPER.equals(m.getIdentityProviderMapper()) && m.getConfig() != null)
                .forEach(m -> {
                    String claim = m.getConfig().get(EnterprisePreset.SAML_ATTRIBUTE_NAME);
                    String target = m.getConfig().get(EnterprisePreset.USER_ATTRIBUTE);
                    if (claim != null && !claim.isBlank() && target != null && !target.isBlank()) {
                        imported.put(claim, target);
                    }
                });
        dropRefused(alias, assertion, imported).forEach((target, left) -> forget(context, target, left));
    }

    /**
     * Takes the refused values out of the assertion's imported attributes.
     *
     * @param imported claim name (or friendly name) to the Keycloak attribute an importer fills from it
     * @return for each Keycloak attribute whose claim lost a value, the values left
     */
    static Map<String, List<String>> dropRefused(String alias, AssertionType assertion, Map<String, String> imported) {
        Map<String, List<String>> changed = new HashMap<>();
        for (AttributeStatementType statement : assertion.getAttributeStatements()) {
            for (AttributeStatementType.ASTChoiceType choice : statement.getAttributes()) {
                AttributeType attribute = choice.getAttribute();
                if (attribute == null) {
                    continue;
                }
                String target = attribute.getName() == null ? null : imported.get(attribute.getName());
                if (target == null && attribute.getFriendlyName() != null) {
                    target = imported.get(attribute.getFriendlyName());
                }
                if (target != null && dropRefused(alias, attribute)) {
                    changed.put(target, attribute.getAttributeValue().stream().filter(v -> v != null)
                            .map(Object::toString).toList());
                }
            }
        }
        return changed;
    }

    /** Takes the refused values out of the attribute; whether there were any. */
    private static boolean dropRefused(String alias, AttributeType attribute) {
        boolean dropped = false;
        // A copy: the assertion's own list is read-only, values are taken out through the attribute.
        for (Object value : attribute.getAttributeValue().stream().filter(v -> v != null).toList()) {
            String reason = ClaimValueRule.refusal(value.toString());
            if (reason != null) {
                attribute.removeAttributeValue(value);
                dropped = true;
                LOG.warnf("Identity provider '%s' sent attribute '%s' with the value '%s', which is refused: %s",
                        LogSafe.of(alias), LogSafe.of(attribute.getName()), LogSafe.of(value), reason);
            }
        }
        return dropped;
    }

    /**
     * Keycloak's importers copy the assertion into the context in their own preprocessing, which may have run
     * before this one: the context keeps only what is left of the attribute.
     */
    private static void forget(BrokeredIdentityContext context, String target, List<String> left) {
        switch (target) {
            case "email" -> context.setEmail(left.isEmpty() ? null : left.get(0));
            case "firstName" -> context.setFirstName(left.isEmpty() ? null : left.get(0));
            case "lastName" -> context.setLastName(left.isEmpty() ? null : left.get(0));
            default -> {
                if (left.isEmpty()) {
                    context.removeUserAttribute(target);
                } else {
                    context.setUserAttribute(target, left);
                }
            }
        }
    }
}
