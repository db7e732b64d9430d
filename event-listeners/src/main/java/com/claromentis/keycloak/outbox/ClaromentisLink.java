package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.peopleapi.PeopleApiClient;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.storage.UserStoragePrivateUtil;

import java.util.Locale;
import java.util.Optional;

/**
 * The one rule for "this Keycloak user and that Claromentis user are the same person". A username alone never
 * says so: anyone who can sign in through an enterprise provider with {@code preferred_username=ceo} would otherwise
 * take over the HR-created {@code ceo}. They are linked when
 * <ol>
 *   <li>the bundle created the Claromentis user for this Keycloak user, or an administrator linked them: the
 *       Claromentis id is in the outbox's own link table and on the Keycloak user (the admin-only
 *       {@value ClaromentisProfile#CLAROMENTIS_ID} attribute, which an administrator may also set by hand; the table
 *       wins, as an administrator's form saved from a stale copy can drop the attribute); or</li>
 *   <li>they share an agreed key: the same external id ({@value ClaromentisProfile#EXTERNAL_ID}, the HR system's
 *       key) on both sides; or, only where the administrator switched on {@code link-by-verified-email}, an email
 *       Keycloak holds as verified and Claromentis holds too (the People API has no "verified" flag, so trusting
 *       Claromentis emails is the administrator's decision).</li>
 * </ol>
 * A Claromentis user of the same username that is not linked is never updated or deleted: the change becomes a dead
 * letter saying so, which the administrator links ({@code POST dead-letters/{id}/link}) or discards.
 */
final class ClaromentisLink {

    /** What Claromentis holds for a Keycloak user. */
    sealed interface Match permits Linked, Absent, Unlinked {
    }

    /** @param remember the link is new (an agreed key matched): store it */
    record Linked(ClaromentisUser user, boolean remember) implements Match {
    }

    /** Nobody in Claromentis has the username: the user may be created. */
    record Absent() implements Match {
    }

    /** Someone else holds the username in Claromentis. */
    record Unlinked(ClaromentisUser candidate) implements Match {
    }

    private ClaromentisLink() {
    }

    /**
     * @param linkedId the Claromentis id recorded for the user (attribute, else the outbox's link table), or null
     */
    static Match find(PeopleApiClient client, String username, Long linkedId, Keys keys, boolean linkByVerifiedEmail) {
        if (linkedId != null) {
            Optional<ClaromentisUser> linked = client.getUser(linkedId);
            if (linked.isPresent()) {
                return new Linked(linked.get(), false);
            }
            // Deleted in Claromentis since: the username rule below decides afresh (and a new link is stored).
        }
        Optional<ClaromentisUser> byUsername = client.findUserByUsername(username);
        if (byUsername.isEmpty()) {
            return new Absent();
        }
        ClaromentisUser candidate = byUsername.get();
        if (agreed(keys, candidate, linkByVerifiedEmail)) {
            return new Linked(candidate, true);
        }
        return new Unlinked(candidate);
    }

    /**
     * The one exception to "an equal username is not enough", for a change taken over from a node whose lease ran
     * out: that node may have created this very user in Claromentis and stopped (crashed, or was killed) before it
     * stored the link, a window of a few milliseconds per delivery. A same-username Claromentis user who also holds
     * the Keycloak user's email is then taken to be that creation and linked, so a crash costs no dead letter; any
     * other clash stays a clash.
     *
     * @param takenOver the row was claimed before by a node that never recorded an outcome
     */
    static Match afterLostAttempt(Match match, boolean takenOver, Keys keys) {
        if (takenOver && match instanceof Unlinked unlinked && same(keys.email(), unlinked.candidate().email())) {
            return new Linked(unlinked.candidate(), true);
        }
        return match;
    }

    /** The message of the dead letter an unlinked clash becomes; the administrator reads it in the dead-letter list. */
    static String clash(String username, ClaromentisUser candidate) {
        return "Claromentis already has a user '" + LogSafe.of(username) + "' (Claromentis id " + candidate.id()
                + ") who is not linked to this Keycloak user; link or discard";
    }

    /** The keys a Keycloak user (or, for a deletion, what was known of it) offers for linking. */
    record Keys(String externalId, String email, boolean emailVerified) {

        static Keys of(UserModel user) {
            return new Keys(user.getFirstAttribute(ClaromentisProfile.EXTERNAL_ID), user.getEmail(), user.isEmailVerified());
        }
    }

    private static boolean agreed(Keys keys, ClaromentisUser candidate, boolean linkByVerifiedEmail) {
        if (same(keys.externalId(), candidate.externalId())) {
            return true;
        }
        return linkByVerifiedEmail && keys.emailVerified() && same(keys.email(), candidate.email());
    }

    private static boolean same(String ours, String theirs) {
        if (ours == null || ours.isBlank() || theirs == null || theirs.isBlank()) {
            return false;
        }
        return ours.trim().toLowerCase(Locale.ROOT).equals(theirs.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The id recorded for a Keycloak user: the outbox's link table (written only by delivery and by an
     * administrator's link), else the admin-only attribute (an administrator may have set it by hand).
     *
     * @param tableLink what the link table holds for the user ({@link OutboxStore#link}), or null
     */
    static Long recorded(UserModel user, Long tableLink) {
        return tableLink != null ? tableLink : ClaromentisUserMapper.claromentisId(user);
    }

    /**
     * Records the link on the local Keycloak user and in the link table; idempotent. Runs after delivery (which only
     * reads Keycloak), in the transaction that records the batch's outcomes.
     *
     * @param linkTableEmpty the caller read the link table in an earlier transaction and found nothing for the user:
     *                       insert without reading it again (a link written meanwhile fails the transaction)
     */
    static void remember(KeycloakSession session, RealmModel realm, String userId, long claromentisId,
                         boolean linkTableEmpty) {
        OutboxStore store = OutboxWorker.store(session);
        if (linkTableEmpty) {
            store.insertLink(realm.getId(), userId, claromentisId);
        } else {
            store.saveLink(realm.getId(), userId, claromentisId);
        }
        // The federated view may be read-only (LDAP); the attribute is written on the local copy.
        UserModel local = UserStoragePrivateUtil.userLocalStorage(session).getUserById(realm, userId);
        if (local == null) {
            return;
        }
        String value = Long.toString(claromentisId);
        if (!value.equals(local.getFirstAttribute(ClaromentisProfile.CLAROMENTIS_ID))) {
            local.setSingleAttribute(ClaromentisProfile.CLAROMENTIS_ID, value);
            // Written past Keycloak's user cache: drop the cached copy so readers see the link.
            UserCache cache = session.getProvider(UserCache.class);
            if (cache != null) {
                cache.evict(realm, local);
            }
        }
    }
}
