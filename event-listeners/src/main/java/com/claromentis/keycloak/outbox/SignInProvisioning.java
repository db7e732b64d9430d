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
import java.util.Map;

/**
 * Provisioning triggered by sign-ins: the first sign-in of a company identity (LDAP, or an enterprise identity
 * provider) queues its creation in Claromentis, later sign-ins queue an update when the fields Claromentis holds
 * changed since the last queued change.
 *
 * <p>What was last queued is remembered as a fingerprint on the user, so a sign-in with nothing new writes nothing.
 */
public final class SignInProvisioning {

    /** Local, unmanaged attribute: fingerprint of the Claromentis fields as last queued. */
    static final String FINGERPRINT = "claromentis.provisioned";

    private SignInProvisioning() {
    }

    /** @return whether a change was queued */
    public static boolean queueIfChanged(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!ProvisioningOutbox.enabledFor(realm)) {
            return false;
        }
        // Compared on the (cached) user first: an unchanged sign-in, the common case, touches no database.
        String now = fingerprint(user);
        String before = user.getFirstAttribute(FINGERPRINT);
        if (now.equals(before)) {
            return false;
        }
        // The federated view of the user may be read-only (LDAP); the fingerprint is written on the local copy.
        UserModel local = UserStoragePrivateUtil.userLocalStorage(session).getUserById(realm, user.getId());
        if (local == null) {
            return false;
        }
        ChangeType type = before == null ? ChangeType.CREATE : user.isEnabled() ? ChangeType.UPDATE : ChangeType.DISABLE;
        if (!ProvisioningOutbox.enqueue(session, realm, user, type, Map.of())) {
            return false;
        }
        local.setSingleAttribute(FINGERPRINT, now);
        // Written past Keycloak's user cache, so drop the cached copy: the next sign-in must see this fingerprint.
        UserCache cache = session.getProvider(UserCache.class);
        if (cache != null) {
            cache.evict(realm, user);
        }
        return true;
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
