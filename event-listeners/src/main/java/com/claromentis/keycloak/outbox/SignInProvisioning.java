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

    /**
     * Local, unmanaged attribute: what was last queued of the user, as {@code v2;<fields>;<groups>;<roles>} (each a
     * fingerprint, empty for none). One attribute rather than one per kind: a synced person costs one row, not three.
     */
    static final String FINGERPRINT = "claromentis.provisioned";
    /** Earlier releases kept the groups' fingerprint in an attribute of its own; read until the user's next change. */
    static final String LEGACY_GROUPS_FINGERPRINT = "claromentis.provisionedGroups";
    /** Earlier releases kept the roles' fingerprint in an attribute of its own; read until the user's next change. */
    static final String LEGACY_ROLES_FINGERPRINT = "claromentis.provisionedRoles";

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
        Queued before = Queued.read(user);
        boolean fieldsChanged = !now.equals(before.fields());
        List<Membership> memberships = Membership.changed(user, before);
        if (!fieldsChanged && memberships.isEmpty()) {
            return false;
        }
        if (before.fields() == null && !user.isEnabled()) {
            // Never in Claromentis and not allowed in: a directory's disabled or removed person is not created there.
            return false;
        }
        // The federated view of the user may be read-only (LDAP); the fingerprints are written on the local copy.
        UserModel local = UserStoragePrivateUtil.userLocalStorage(session).getUserById(realm, user.getId());
        if (local == null) {
            return false;
        }
        Queued after = before;
        List<Membership> separate = user.isEnabled() ? memberships : List.of();
        if (fieldsChanged) {
            ChangeType type = before.fields() == null ? ChangeType.CREATE
                    : user.isEnabled() ? ChangeType.UPDATE : ChangeType.DISABLE;
            // A sync that imports a person with their groups writes one row, not one per kind: the fields' delivery
            // brings the memberships along once the person exists in Claromentis.
            Map<String, String> payload = separate.isEmpty() ? Map.of()
                    : Map.of(Delivery.MEMBERSHIPS, String.join(",", separate.stream().map(m -> m.type.name()).toList()));
            if (!ProvisioningOutbox.enqueue(session, realm, user, type, payload)) {
                return false;
            }
            after = after.withFields(now);
            for (Membership membership : separate) {
                after = membership.recorded(after, user);
            }
            separate = List.of();
        }
        for (Membership membership : separate) {
            if (ProvisioningOutbox.enqueue(session, realm, user, membership.type, Map.of())) {
                after = membership.recorded(after, user);
            }
        }
        if (after.equals(before)) {
            return false;
        }
        after.store(local, before);
        // Written past Keycloak's user cache, so drop the cached copy: the next sign-in must see the fingerprints.
        UserCache cache = session.getProvider(UserCache.class);
        if (cache != null) {
            cache.evict(realm, user);
        }
        return true;
    }

    /**
     * What was last queued of a user: the fingerprints of their fields, of the groups they were read in and of the
     * realm roles their directory granted, each null for never (or, for groups and roles, none).
     *
     * @param legacy read from an earlier release's separate attributes, which the next store removes
     */
    record Queued(String fields, String groups, String roles, boolean legacy) {

        private static final String VERSION = "v2";

        static Queued read(UserModel user) {
            String stored = user.getFirstAttribute(FINGERPRINT);
            if (stored == null || !stored.startsWith(VERSION + ";")) {
                return new Queued(stored, user.getFirstAttribute(LEGACY_GROUPS_FINGERPRINT),
                        user.getFirstAttribute(LEGACY_ROLES_FINGERPRINT), true);
            }
            // A value cut short or edited by hand reads as "not queued" for the parts it lacks: queued once more,
            // which delivery makes harmless (an update of what Claromentis already holds).
            String[] parts = stored.split(";", -1);
            return new Queued(part(parts, 1), part(parts, 2), part(parts, 3), false);
        }

        private static String part(String[] parts, int index) {
            return index < parts.length && !parts[index].isEmpty() ? parts[index] : null;
        }

        String encode() {
            return String.join(";", VERSION, nullToEmpty(fields), nullToEmpty(groups), nullToEmpty(roles));
        }

        Queued withFields(String now) {
            return new Queued(now, groups, roles, legacy);
        }

        /** One attribute write; the separate attributes of an earlier release, where there were any, go. */
        void store(UserModel local, Queued before) {
            local.setSingleAttribute(FINGERPRINT, encode());
            if (before.legacy() && before.groups() != null) {
                local.removeAttribute(LEGACY_GROUPS_FINGERPRINT);
            }
            if (before.legacy() && before.roles() != null) {
                local.removeAttribute(LEGACY_ROLES_FINGERPRINT);
            }
        }

        private static String nullToEmpty(String value) {
            return value == null ? "" : value;
        }
    }

    /**
     * What a directory names of a user besides their fields, each with its own fingerprint and its own delivery:
     * the groups they were read in, and the realm roles the directory's role groups granted them.
     */
    enum Membership {
        GROUPS(ClaromentisProfile.DIRECTORY_GROUPS, ChangeType.GROUPS),
        ROLES(ClaromentisProfile.DIRECTORY_ROLES, ChangeType.ROLES);

        private final String source;
        private final ChangeType type;

        Membership(String source, ChangeType type) {
            this.source = source;
            this.type = type;
        }

        static List<Membership> changed(UserModel user, Queued queued) {
            return java.util.Arrays.stream(values())
                    .filter(m -> !Objects.equals(m.fingerprint(user), m.of(queued)))
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

        private String of(Queued queued) {
            return this == GROUPS ? queued.groups() : queued.roles();
        }

        private Queued recorded(Queued queued, UserModel user) {
            String now = fingerprint(user);
            return this == GROUPS ? new Queued(queued.fields(), now, queued.roles(), queued.legacy())
                    : new Queued(queued.fields(), queued.groups(), now, queued.legacy());
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
