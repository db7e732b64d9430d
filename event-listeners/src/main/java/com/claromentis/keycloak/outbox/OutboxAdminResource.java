package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LogSafe;
import jakarta.ws.rs.BadRequestException;
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
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.claromentis.keycloak.common.BundleAdminResourceFactory.actor;

/**
 * The realm's outbox for administrators: a summary, the dead letters, and replaying, linking or discarding them.
 * Reading needs the realm-management {@code view-users} role, changing needs {@code manage-users}: dead letters are
 * user changes. Every change is recorded as a Keycloak admin event (resource type {@value #RESOURCE_TYPE}) and
 * logged with the acting administrator.
 */
public final class OutboxAdminResource {

    /** The admin events' resource type. */
    static final String RESOURCE_TYPE = "CLAROMENTIS_OUTBOX";

    private static final Logger LOG = Logger.getLogger(OutboxAdminResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final ProvisioningEventListenerFactory outbox;

    OutboxAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                        AdminEventBuilder adminEvent, ProvisioningEventListenerFactory outbox) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent == null ? null : adminEvent.resource(RESOURCE_TYPE);
        this.outbox = outbox;
    }

    /**
     * Rows per status in this realm, retries, the oldest waiting change and the error in its way, whether
     * provisioning is on, the server-wide settings and this node's counters.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> summary() {
        auth.users().requireView();
        Map<String, Object> out = new LinkedHashMap<>();
        OutboxStore store = store();
        Map<String, Long> counts = store.counts(realm.getId());
        out.put("enabled", ProvisioningOutbox.enabledFor(realm));
        out.put("connection", OutboxConnections.component(realm).map(c -> c.getName()).orElse(null));
        out.put("pending", counts.get(OutboxEntry.PENDING));
        out.put("dead", counts.get(OutboxEntry.DEAD));
        OutboxStore.RealmBacklog backlog = store.realmBacklog(realm.getId());
        out.put("retrying", backlog.retrying());
        out.put("oldestWaitingSince", backlog.oldestQueuedAt() == 0 ? null : backlog.oldestQueuedAt());
        OutboxEntry failure = backlog.lastFailure();
        if (failure != null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("id", failure.getId());
            error.put("username", failure.getUsername());
            error.put("type", failure.getChangeType().name());
            error.put("attempts", failure.getAttempts());
            error.put("dead", OutboxEntry.DEAD.equals(failure.getStatus()));
            error.put("error", failure.getLastError());
            out.put("lastError", error);
        } else {
            out.put("lastError", null);
        }
        long heldUntil = store.heldUntil(realm.getId());
        // When Claromentis last asked for a pause (Retry-After) that is not over yet; null when none.
        out.put("heldUntil", heldUntil > Time.currentTimeMillis() ? heldUntil : null);
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
        OutboxEntry entry = deadLetter(id);
        store().replay(realm.getId(), id, Time.currentTimeMillis());
        LOG.infof("Dead letter %d (%s of '%s') of realm %s queued again by administrator '%s'", id,
                entry.getChangeType(), LogSafe.of(entry.getUsername()), LogSafe.of(realm.getName()), actor(auth));
        audit(OperationType.ACTION, entry, null);
        ProvisioningOutbox.wakeAfterCommit(session);
        return Response.noContent().build();
    }

    @POST
    @Path("dead-letters/replay")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> replayAll() {
        auth.users().requireManage();
        int replayed = store().replayAll(realm.getId(), Time.currentTimeMillis());
        LOG.infof("%d dead letter(s) of realm %s queued again by administrator '%s'", replayed,
                LogSafe.of(realm.getName()), actor(auth));
        if (adminEvent != null) {
            adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri())
                    .representation(Map.of("replayed", replayed)).success();
        }
        ProvisioningOutbox.wakeAfterCommit(session);
        return Map.of("replayed", replayed);
    }

    /**
     * Resolves a username clash: the administrator confirms that the Claromentis user the dead letter names is this
     * Keycloak user. The link is recorded (on the Keycloak user and in the outbox) and the change queued again.
     */
    @POST
    @Path("dead-letters/{id}/link")
    public Response link(@PathParam("id") long id) {
        auth.users().requireManage();
        OutboxEntry entry = deadLetter(id);
        Long candidate = entry.getCandidateId();
        if (candidate == null) {
            throw new BadRequestException("Dead letter " + id + " is not a username clash: there is nothing to link");
        }
        UserModel user = session.users().getUserById(realm, entry.getUserId());
        if (user != null) {
            ClaromentisLink.remember(session, realm, user.getId(), candidate, false);
        } else {
            // A deletion: the Keycloak user is gone, the outbox's link table is all that delivery reads.
            store().saveLink(realm.getId(), entry.getUserId(), candidate);
        }
        store().replay(realm.getId(), id, Time.currentTimeMillis());
        LOG.infof("Dead letter %d (%s of '%s') of realm %s: Keycloak user %s linked to Claromentis user %d and queued "
                        + "again by administrator '%s'", id, entry.getChangeType(), LogSafe.of(entry.getUsername()),
                LogSafe.of(realm.getName()), entry.getUserId(), candidate, actor(auth));
        audit(OperationType.ACTION, entry, candidate);
        ProvisioningOutbox.wakeAfterCommit(session);
        return Response.noContent().build();
    }

    @DELETE
    @Path("dead-letters/{id}")
    public Response discard(@PathParam("id") long id) {
        auth.users().requireManage();
        OutboxEntry entry = deadLetter(id);
        store().discard(realm.getId(), id);
        LOG.infof("Dead letter %d (%s of '%s') of realm %s discarded by administrator '%s'", id, entry.getChangeType(),
                LogSafe.of(entry.getUsername()), LogSafe.of(realm.getName()), actor(auth));
        audit(OperationType.DELETE, entry, null);
        return Response.noContent().build();
    }

    private OutboxEntry deadLetter(long id) {
        OutboxEntry entry = store().deadLetter(realm.getId(), id);
        if (entry == null) {
            throw new NotFoundException("No dead letter " + id + " in this realm");
        }
        return entry;
    }

    /** Records the admin event, as Keycloak's own admin resources do (stored when the realm saves admin events). */
    private void audit(OperationType operation, OutboxEntry entry, Long linkedTo) {
        if (adminEvent == null) {
            return;
        }
        Map<String, Object> representation = new LinkedHashMap<>();
        representation.put("id", entry.getId());
        representation.put("userId", entry.getUserId());
        representation.put("username", entry.getUsername());
        representation.put("type", entry.getChangeType().name());
        if (linkedTo != null) {
            representation.put("claromentisId", linkedTo);
        }
        adminEvent.operation(operation).resourcePath(session.getContext().getUri()).representation(representation)
                .success();
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
        // Set for an unlinked username clash: the Claromentis user that POST .../link would link.
        out.put("claromentisCandidate", entry.getCandidateId());
        return out;
    }
}
