package com.claromentis.keycloak.enterprise;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.broker.oidc.mappers.AbstractClaimMapper;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.broker.saml.SAMLEndpoint;
import org.keycloak.dom.saml.v2.assertion.AssertionType;
import org.keycloak.dom.saml.v2.assertion.AttributeStatementType;
import org.keycloak.dom.saml.v2.assertion.AttributeType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The values one claim of a sign-in carries: a SAML attribute of the (signature-checked) assertion, matched by name
 * or friendly name as Keycloak's own attribute importer matches it, or an OpenID Connect claim of the ID token or
 * user info.
 */
final class ClaimValues {

    private ClaimValues() {
    }

    static List<Object> of(BrokeredIdentityContext context, String claim) {
        if (claim == null || claim.isBlank()) {
            return List.of();
        }
        Object assertion = context.getContextData().get(SAMLEndpoint.SAML_ASSERTION);
        if (assertion instanceof AssertionType saml) {
            return saml(saml, claim);
        }
        return flatten(AbstractClaimMapper.getClaimValue(context, claim));
    }

    private static List<Object> saml(AssertionType assertion, String claim) {
        List<Object> values = new ArrayList<>();
        for (AttributeStatementType statement : assertion.getAttributeStatements()) {
            for (AttributeStatementType.ASTChoiceType choice : statement.getAttributes()) {
                AttributeType attribute = choice.getAttribute();
                if (attribute != null && (claim.equals(attribute.getName()) || claim.equals(attribute.getFriendlyName()))) {
                    values.addAll(attribute.getAttributeValue());
                }
            }
        }
        return values;
    }

    private static List<Object> flatten(Object value) {
        List<Object> values = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            values.addAll(collection);
        } else if (value instanceof JsonNode node && node.isArray()) {
            node.forEach(element -> values.add(element.isTextual() ? element.asText() : element.toString()));
        } else if (value instanceof JsonNode node) {
            values.add(node.isTextual() ? node.asText() : node.toString());
        } else if (value != null) {
            values.add(value);
        }
        return values;
    }
}
