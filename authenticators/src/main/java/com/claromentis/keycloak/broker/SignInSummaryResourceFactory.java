package com.claromentis.keycloak.broker;

import com.claromentis.keycloak.common.BundleAdminResourceFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /admin/realms/{realm}/}{@value #ID}: which identity providers of the realm are held to the sign-in
 * guarantees, and why each is social or enterprise. Needs the right to view identity providers.
 */
public final class SignInSummaryResourceFactory extends BundleAdminResourceFactory {

    public static final String ID = "claromentis-sign-in";

    public SignInSummaryResourceFactory() {
        super(ID);
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new Resource(session, realm, auth);
    }

    public static final class Resource {

        private final KeycloakSession session;
        private final RealmModel realm;
        private final AdminPermissionEvaluator auth;

        Resource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth) {
            this.session = session;
            this.realm = realm;
            this.auth = auth;
        }

        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> summary() {
            auth.realm().requireViewIdentityProviders();
            AuthenticationFlowModel bound = realm.getFirstBrokerLoginFlow();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("realmFirstLoginFlow", bound == null ? null : bound.getAlias());
            out.put("providers", SignInGuarantees.describeAll(session, realm));
            return out;
        }
    }
}
