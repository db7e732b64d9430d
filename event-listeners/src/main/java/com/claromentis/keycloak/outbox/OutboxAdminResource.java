package com.claromentis.keycloak.outbox;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The realm's outbox for administrators: a summary, the dead letters, and replaying or discarding them. Reading
 * needs the realm-management {@code view-users} role, changing needs {@code manage-users}: dead letters are user
 * changes.
 */
public final class OutboxAdminResource {

    private static final Logger LOG = Logger.getLogger(OutboxAdminResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final ProvisioningEventListenerFactory outbox;

    OutboxAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                        ProvisioningEventListenerFactory outbox) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.outbox = outbox;
    }

    /** Rows per status in this realm, whether provisioning is on, the server-wide settings and this node's counters. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> summary() {
        auth.users().requireView();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Long> counts = store().counts(realm.getId());
        out.put("enabled", ProvisioningOutbox.enabledFor(realm));
        out.put("connection", OutboxConnections.component(realm).map(c -> c.getName()).orElse(null));
        out.put("pending", counts.get(OutboxEntry.PENDING));
        out.put("dead", counts.get(OutboxEntry.DEAD));
        if (outbox != null) {
            out.put("settings", outbox.settings().describe());
            out.put("node", outbox.metrics().snapshot());
        }
        return out;
    }

    @GET
    @Path("dead-letters")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> deadLetters(@QueryParam("first") @DefaultValue("0") int first,
                                                 @QueryParam("max") @DefaultValue("100") int max) {
        auth.users().requireView();
        return store().deadLetters(realm.getId(), Math.max(first, 0), Math.min(Math.max(max, 1), 1000)).stream()
                .map(OutboxAdminResource::describe)
                .toList();
    }

    @POST
    @Path("dead-letters/{id}/replay")
    public Response replay(@PathParam("id") long id) {
        auth.users().requireManage();
        if (!store().replay(realm.getId(), id, Time.currentTimeMillis())) {
            throw new NotFoundException("No dead letter " + id + " in this realm");
        }
        LOG.infof("Dead letter %d of realm %s queued again by an administrator", id, realm.getName());
        ProvisioningOutbox.wakeAfterCommit(session);
        return Response.noContent().build();
    }

    @POST
    @Path("dead-letters/replay")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> replayAll() {
        auth.users().requireManage();
        int replayed = store().replayAll(realm.getId(), Time.currentTimeMillis());
        LOG.infof("%d dead letter(s) of realm %s queued again by an administrator", replayed, realm.getName());
        ProvisioningOutbox.wakeAfterCommit(session);
        return Map.of("replayed", replayed);
    }

    @DELETE
    @Path("dead-letters/{id}")
    public Response discard(@PathParam("id") long id) {
        auth.users().requireManage();
        if (!store().discard(realm.getId(), id)) {
            throw new NotFoundException("No dead letter " + id + " in this realm");
        }
        LOG.infof("Dead letter %d of realm %s discarded by an administrator", id, realm.getName());
        return Response.noContent().build();
    }

    private OutboxStore store() {
        return OutboxWorker.store(session);
    }

    private static Map<String, Object> describe(OutboxEntry entry) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", entry.getId());
        out.put("userId", entry.getUserId());
        out.put("username", entry.getUsername());
        out.put("type", entry.getChangeType().name());
        out.put("attempts", entry.getAttempts());
        out.put("createdAt", entry.getCreatedAt());
        out.put("queuedAt", entry.getQueuedAt());
        out.put("lastError", entry.getLastError());
        return out;
    }
}
