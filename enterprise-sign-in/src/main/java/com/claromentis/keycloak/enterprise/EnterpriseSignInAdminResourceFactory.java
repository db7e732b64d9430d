package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.common.BundleAdminResourceFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.Map;

/**
 * {@code /admin/realms/{realm}/}{@value #ID}{@code /{alias}/preset/{vendor}}: GET says what the vendor preset would
 * set on that identity provider, POST applies it. Both need the right to manage the realm's identity providers
 * (managing the realm).
 */
public final class EnterpriseSignInAdminResourceFactory extends BundleAdminResourceFactory {

    public static final String ID = "claromentis-enterprise-sign-in";

    public EnterpriseSignInAdminResourceFactory() {
        super(ID);
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                              AdminEventBuilder adminEvent) {
        return new Resource(session, realm, auth, adminEvent);
    }

    public static final class Resource {

        private final KeycloakSession session;
        private final RealmModel realm;
        private final AdminPermissionEvaluator auth;
        private final AdminEventBuilder adminEvent;

        Resource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
            this.session = session;
            this.realm = realm;
            this.auth = auth;
            this.adminEvent = adminEvent;
        }

        @GET
        @Path("{alias}/preset/{vendor}")
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> preview(@PathParam("alias") String alias, @PathParam("vendor") String vendor) {
            auth.realm().requireManageIdentityProviders();
            return run(alias, vendor, false);
        }

        @POST
        @Path("{alias}/preset/{vendor}")
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> apply(@PathParam("alias") String alias, @PathParam("vendor") String vendor) {
            auth.realm().requireManageIdentityProviders();
            Map<String, Object> result = run(alias, vendor, true);
            adminEvent.operation(OperationType.UPDATE).resource(ResourceType.IDENTITY_PROVIDER)
                    .resourcePath(session.getContext().getUri()).representation(result).success();
            return result;
        }

        private Map<String, Object> run(String alias, String vendorName, boolean apply) {
            SignInVendor vendor = SignInVendor.fromPath(vendorName).orElseThrow(() -> ErrorResponse.error(
                    "Unknown vendor: use one of " + SignInVendor.pathNames(), Response.Status.NOT_FOUND));
            IdentityProviderModel provider = PresetApplier.provider(session, alias).orElseThrow(() ->
                    ErrorResponse.error("No identity provider with that alias in this realm", Response.Status.NOT_FOUND));
            try {
                return PresetApplier.forProvider(session, realm, provider).run(vendor, apply);
            } catch (PresetApplier.Refused e) {
                throw ErrorResponse.error(e.getMessage(), Response.Status.CONFLICT);
            } catch (IllegalArgumentException e) {
                throw ErrorResponse.error(e.getMessage(), Response.Status.BAD_REQUEST);
            }
        }
    }
}
