package com.claromentis.keycloak.directory.preset;

import com.claromentis.keycloak.directory.sync.DirectorySyncLDAPStorageMapperFactory;
import com.claromentis.keycloak.directory.sync.SyncReports;
import org.keycloak.storage.ldap.mappers.LDAPStorageMapper;
import com.claromentis.keycloak.common.BundleAdminResourceFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.List;
import java.util.Map;

/**
 * {@code /admin/realms/{realm}/}{@value #ID}{@code /{componentId}/preset/{vendor}}: GET says what the vendor preset
 * would set on that LDAP provider, POST applies it; both need the right to manage the realm, which is what managing
 * user federation takes. {@code /{componentId}/last-sync} (viewing the realm is enough) reports the directory sync
 * mapper's part of the provider's last sync.
 */
public final class DirectoryAdminResourceFactory extends BundleAdminResourceFactory {

    public static final String ID = "claromentis-directory";

    public DirectoryAdminResourceFactory() {
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
        @Path("{componentId}/preset/{vendor}")
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> preview(@PathParam("componentId") String componentId,
                                           @PathParam("vendor") String vendor,
                                           @QueryParam("groupsDn") String groupsDn,
                                           @QueryParam("syncGroup") List<String> syncGroups,
                                           @QueryParam("rolesDn") String rolesDn,
                                           @QueryParam("kerberosPrincipal") String kerberosPrincipal,
                                           @QueryParam("keytab") String keytab,
                                           @QueryParam("kerberosRealm") String kerberosRealm) {
            auth.realm().requireManageRealm();
            try {
                return applier(componentId).run(PresetRequest.of(vendor(vendor), groupsDn, syncGroups,
                        rolesDn, kerberosPrincipal, keytab, kerberosRealm), false);
            } catch (IllegalArgumentException e) {
                throw ErrorResponse.error(e.getMessage(), Response.Status.BAD_REQUEST);
            }
        }

        @POST
        @Path("{componentId}/preset/{vendor}")
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> apply(@PathParam("componentId") String componentId,
                                         @PathParam("vendor") String vendor,
                                         @QueryParam("groupsDn") String groupsDn,
                                         @QueryParam("syncGroup") List<String> syncGroups,
                                         @QueryParam("rolesDn") String rolesDn,
                                         @QueryParam("kerberosPrincipal") String kerberosPrincipal,
                                         @QueryParam("keytab") String keytab,
                                         @QueryParam("kerberosRealm") String kerberosRealm) {
            auth.realm().requireManageRealm();
            Map<String, Object> result;
            try {
                result = applier(componentId).run(PresetRequest.of(vendor(vendor), groupsDn, syncGroups,
                        rolesDn, kerberosPrincipal, keytab, kerberosRealm), true);
            } catch (PresetApplier.PrivilegedParentGroup e) {
                throw ErrorResponse.error(e.getMessage(), Response.Status.CONFLICT);
            } catch (IllegalArgumentException e) {
                throw ErrorResponse.error(e.getMessage(), Response.Status.BAD_REQUEST);
            }
            adminEvent.operation(OperationType.UPDATE).resource(ResourceType.COMPONENT)
                    .resourcePath(session.getContext().getUri()).representation(result).success();
            return result;
        }

        /**
         * What the directory sync mapper did at the start of the provider's last sync on this node (Keycloak's own
         * sync message counts only imported, updated and failed users).
         */
        @GET
        @Path("{componentId}/last-sync")
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> lastSync(@PathParam("componentId") String componentId) {
            auth.realm().requireViewRealm();
            applier(componentId);
            DirectorySyncLDAPStorageMapperFactory factory = (DirectorySyncLDAPStorageMapperFactory) session
                    .getKeycloakSessionFactory().getProviderFactory(LDAPStorageMapper.class,
                            DirectorySyncLDAPStorageMapperFactory.PROVIDER_ID);
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            java.util.Optional<SyncReports.Report> report = factory == null ? java.util.Optional.empty()
                    : factory.reports().last(componentId);
            out.put("synced", report.isPresent());
            report.ifPresent(r -> {
                out.put("kind", r.kind());
                out.put("finishedAt", r.finishedAt());
                out.put("membershipsRead", r.membershipsRead());
                out.put("removed", r.removed());
                out.put("failed", r.failed());
                out.put("warnings", r.warnings());
                out.put("refusedRoles", factory.reports().refusals().of(componentId));
            });
            return out;
        }

        private PresetApplier applier(String componentId) {
            return PresetApplier.forProvider(session, realm, componentId).orElseThrow(() -> ErrorResponse.error(
                    "No LDAP user federation provider with that id in this realm", Response.Status.NOT_FOUND));
        }

        private static Vendor vendor(String name) {
            return Vendor.fromPath(name).orElseThrow(() -> ErrorResponse.error(
                    "Unknown vendor: use ad, edirectory or openldap", Response.Status.NOT_FOUND));
        }
    }
}
