package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.peopleapi.error.ConflictException;
import com.claromentis.keycloak.peopleapi.error.MalformedResponseException;
import com.claromentis.keycloak.peopleapi.error.PeopleApiException;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.ErrorResponseException;

import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Pushes admin-console changes of People API users to Claromentis in the prepare phase of Keycloak's transaction:
 * if Claromentis refuses, the Keycloak change is rolled back too, so the two never disagree.
 */
final class WriteBack {

    private static final Logger LOG = Logger.getLogger(WriteBack.class);

    private enum Change { CREATE, UPDATE }

    private final KeycloakSession session;
    private final boolean enabled;
    private final Supplier<PeopleApiClient> client;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    /** Users disabled in this transaction, by id, with their provider's name: a lockout or an administrator's disable. */
    private final Map<String, UserModel> disabled = new LinkedHashMap<>();
    private String providerName = "";
    private boolean enlisted;

    WriteBack(KeycloakSession session, boolean enabled, Supplier<PeopleApiClient> client) {
        this.session = session;
        this.enabled = enabled;
        this.client = client;
    }

    boolean enabled() {
        return enabled;
    }

    void created(UserModel user) {
        queue(user, Change.CREATE);
    }

    void updated(UserModel user) {
        queue(user, Change.UPDATE);
    }

    /** Deletes the user in Claromentis now, so a refusal stops the Keycloak deletion as well. */
    void deleted(UserModel user) {
        Long id = ClaromentisUserMapper.claromentisId(user);
        pending.remove(user.getId());
        if (id == null) {
            return;
        }
        try {
            client.get().deleteUser(id);
            LOG.infof("Deleted '%s' (id %d) in Claromentis", LogSafe.of(user.getUsername()), id);
        } catch (PeopleApiException e) {
            throw refused("delete", user, e);
        }
    }

    /**
     * A user disabled in Keycloak. Decided when the transaction is prepared, once Keycloak has had the chance to
     * record why: a brute-force lockout stays local (and never deactivates the person in Claromentis); any other
     * disable is sent to Claromentis with write-back on, and refused without it (Claromentis owns "enabled").
     */
    void disabledHere(UserModel user, String provider) {
        disabled.put(user.getId(), user);
        providerName = provider;
        enlist();
    }

    private void queue(UserModel user, Change change) {
        pending.merge(user.getId(), new Pending(user, change), (old, fresh) -> old.change == Change.CREATE ? old : fresh);
        enlist();
    }

    private void enlist() {
        if (!enlisted) {
            enlisted = true;
            session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    flush();
                }

                @Override
                protected void rollbackImpl() {
                    pending.clear();
                    disabled.clear();
                }
            });
        }
    }

    private void flush() {
        for (UserModel user : disabled.values()) {
            if (ClaromentisUserMapper.isLockedOut(user)) {
                LOG.infof("'%s' is locked out by Keycloak's brute-force protection; Claromentis is not told",
                        LogSafe.of(user.getUsername()));
            } else if (enabled) {
                pending.putIfAbsent(user.getId(), new Pending(user, Change.UPDATE));
            } else {
                throw ErrorResponse.error("'" + LogSafe.of(user.getUsername()) + "' is managed by Claromentis (provider '"
                        + LogSafe.of(providerName) + "'): deactivate the person in Claromentis, or turn on write-back",
                        Response.Status.BAD_REQUEST);
            }
        }
        disabled.clear();
        for (Pending entry : pending.values()) {
            UserModel user = entry.user;
            try {
                if (entry.change == Change.CREATE) {
                    ClaromentisUser created = client.get().createUser(ClaromentisUserMapper.fromKeycloak(user));
                    user.setSingleAttribute(ClaromentisProfile.CLAROMENTIS_ID, Long.toString(created.id()));
                    LOG.infof("Created '%s' in Claromentis (id %d)", LogSafe.of(user.getUsername()), created.id());
                } else {
                    Long id = ClaromentisUserMapper.claromentisId(user);
                    if (id == null) {
                        throw ErrorResponse.error("'" + LogSafe.of(user.getUsername()) + "' has no Claromentis id yet: run a full "
                                + "sync of the Claromentis provider, then try again", Response.Status.CONFLICT);
                    }
                    ClaromentisUser current = client.get().getUser(id).orElseThrow(() -> ErrorResponse.error("'"
                            + LogSafe.of(user.getUsername()) + "' no longer exists in Claromentis; the change was not saved",
                            Response.Status.CONFLICT));
                    ClaromentisUser merged = ClaromentisUserMapper.merge(current, user);
                    if (ClaromentisUserMapper.isLockedOut(user)) {
                        // Locked out here, still an active person there.
                        merged = merged.toBuilder().active(current.active()).build();
                    }
                    if (merged.equals(current)) {
                        continue;
                    }
                    client.get().updateUser(id, merged);
                    LOG.infof("Updated '%s' in Claromentis (id %d)", LogSafe.of(user.getUsername()), id);
                }
            } catch (PeopleApiException e) {
                throw refused(entry.change == Change.CREATE ? "create" : "update", user, e);
            }
        }
        pending.clear();
    }

    /**
     * The answer the administrator gets when Claromentis refuses or cannot be reached. An {@link ErrorResponseException}
     * because Keycloak's admin API passes its text on as it is, where a {@code ModelException} would become a bare
     * "Could not update user!"; thrown before anything is committed, so the Keycloak change is rolled back as well.
     */
    private static ErrorResponseException refused(String action, UserModel user, PeopleApiException e) {
        LOG.warnf("Claromentis did not %s '%s': %s", action, LogSafe.of(user.getUsername()), LogSafe.of(e.getMessage()));
        Response.Status status = e instanceof ConflictException ? Response.Status.CONFLICT
                : e.status() >= 400 && e.status() < 500 && !(e instanceof MalformedResponseException) ? Response.Status.BAD_REQUEST
                : Response.Status.BAD_GATEWAY;
        String reason = e instanceof MalformedResponseException ? "Claromentis sent an answer that cannot be read"
                : e.status() == 0 || e.status() >= 500 ? "Claromentis is not reachable right now"
                : e.apiError().map(text -> "Claromentis refused it: " + LogSafe.of(text)).orElse("Claromentis refused it");
        return ErrorResponse.error("'" + LogSafe.of(user.getUsername()) + "' was not " + action + "d in Claromentis, so nothing was "
                + "changed here. " + reason + ".", status);
    }

    private record Pending(UserModel user, Change change) {
    }
}
