package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.profile.ClaromentisProfile;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.storage.UserStoragePrivateUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Provisioning triggered by sign-ins and directory syncs: the first sign-in of a company identity (LDAP, or an enterprise identity
 * provider) queues its creation in Claromentis, later sign-ins queue an update when the fields Claromentis holds
 * changed since the last queued change.
 *
 * <p>What was last queued is remembered as a fingerprint on the user, so a sign-in with nothing new writes nothing.
 */
public final class SignInProvisioning {

    /** Local, unmanaged attribute: fingerprint of the Claromentis fields as last queued. */
    static final String FINGERPRINT = "claromentis.provisioned";
    /** Local, unmanaged attribute: fingerprint of the user's directory groups as last queued. */
    static final String GROUPS_FINGERPRINT = "claromentis.provisionedGroups";
    /** Local, unmanaged attribute: fingerprint of the realm roles a directory granted the user, as last queued. */
    static final String ROLES_FINGERPRINT = "claromentis.provisionedRoles";

    private SignInProvisioning() {
    }

    /**
     * Queues the user's creation or update when the fields Claromentis holds changed since the last queued change,
     * and, for a directory user, a GROUPS (ROLES) change when the groups they were read in (the realm roles
     * their directory role groups grant) changed. Used by
     * sign-ins and by directory syncs alike.
     *
     * @return whether a change was queued
     */
    public static boolean queueIfChanged(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!ProvisioningOutbox.enabledFor(realm)) {
            return false;
        }
        // Compared on the (cached) user first: an unchanged sign-in, the common case, touches no database.
        String now = fingerprint(user);
        String before = user.getFirstAttribute(FINGERPRINT);
        boolean fieldsChanged = !now.equals(before);
        List<Membership> memberships = Membership.changed(user);
        if (!fieldsChanged && memberships.isEmpty()) {
            return false;
        }
        if (before == null && !user.isEnabled()) {
            // Never in Claromentis and not allowed in: a directory's disabled or removed person is not created there.
            return false;
        }
        // The federated view of the user may be read-only (LDAP); the fingerprints are written on the local copy.
        UserModel local = UserStoragePrivateUtil.userLocalStorage(session).getUserById(realm, user.getId());
        if (local == null) {
            return false;
        }
        boolean queued = false;
        List<Membership> separate = user.isEnabled() ? memberships : List.of();
        if (fieldsChanged) {
            ChangeType type = before == null ? ChangeType.CREATE : user.isEnabled() ? ChangeType.UPDATE : ChangeType.DISABLE;
            // A sync that imports a person with their groups writes one row, not one per kind: the fields' delivery
            // brings the memberships along once the person exists in Claromentis.
            Map<String, String> payload = separate.isEmpty() ? Map.of()
                    : Map.of(Delivery.MEMBERSHIPS, String.join(",", separate.stream().map(m -> m.type.name()).toList()));
            if (!ProvisioningOutbox.enqueue(session, realm, user, type, payload)) {
                return false;
            }
            local.setSingleAttribute(FINGERPRINT, now);
            separate.forEach(membership -> membership.record(local, user));
            separate = List.of();
            queued = true;
        }
        for (Membership membership : separate) {
            if (ProvisioningOutbox.enqueue(session, realm, user, membership.type, Map.of())) {
                membership.record(local, user);
                queued = true;
            }
        }
        if (queued) {
            // Written past Keycloak's user cache, so drop the cached copy: the next sign-in must see the fingerprints.
            UserCache cache = session.getProvider(UserCache.class);
            if (cache != null) {
                cache.evict(realm, user);
            }
        }
        return queued;
    }

    /**
     * What a directory names of a user besides their fields, each with its own fingerprint and its own delivery:
     * the groups they were read in, and the realm roles the directory's role groups granted them.
     */
    enum Membership {
        GROUPS(ClaromentisProfile.DIRECTORY_GROUPS, GROUPS_FINGERPRINT, ChangeType.GROUPS),
        ROLES(ClaromentisProfile.DIRECTORY_ROLES, ROLES_FINGERPRINT, ChangeType.ROLES);

        private final String source;
        private final String fingerprintAttribute;
        private final ChangeType type;

        Membership(String source, String fingerprintAttribute, ChangeType type) {
            this.source = source;
            this.fingerprintAttribute = fingerprintAttribute;
            this.type = type;
        }

        static List<Membership> changed(UserModel user) {
            return java.util.Arrays.stream(values())
                    .filter(m -> !Objects.equals(m.fingerprint(user), user.getFirstAttribute(m.fingerprintAttribute)))
                    .toList();
        }

        /** The fingerprint of what the directory last named, or null for a user it names none of. */
        String fingerprint(UserModel user) {
            List<String> names = user.getAttributeStream(source).sorted().toList();
            if (names.isEmpty()) {
                return null;
            }
            StringBuilder fields = new StringBuilder();
            names.forEach(name -> append(fields, name));
            return digest(fields);
        }

        private void record(UserModel local, UserModel user) {
            String now = fingerprint(user);
            if (now == null) {
                local.removeAttribute(fingerprintAttribute);
            } else {
                local.setSingleAttribute(fingerprintAttribute, now);
            }
        }
    }

    /** The directory groups the user was last read in, or null for a user no directory names groups of. */
    static String groupsFingerprint(UserModel user) {
        return Membership.GROUPS.fingerprint(user);
    }

    static String fingerprint(UserModel user) {
        StringBuilder fields = new StringBuilder();
        append(fields, user.getUsername());
        append(fields, user.getFirstName());
        append(fields, user.getLastName());
        append(fields, user.getEmail());
        append(fields, Boolean.toString(user.isEnabled()));
        for (String attribute : ClaromentisProfile.DIRECTORY_OWNED) {
            append(fields, user.getFirstAttribute(attribute));
        }
        return digest(fields);
    }

    private static String digest(StringBuilder fields) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(fields.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    private static void append(StringBuilder fields, String value) {
        // Length-prefixed so that moving characters between neighbouring fields changes the fingerprint.
        String text = value == null ? "" : value;
        fields.append(text.length()).append(':').append(text).append('|');
    }
}
