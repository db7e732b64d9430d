package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.peopleapi.ClaromentisGroup;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Serialises the read-modify-write of one Claromentis group's (or role's) member list across threads and Keycloak
 * nodes: the People API can only replace a whole list, so two deliveries into one group at once would otherwise
 * each write back a list without the other's user. The lock is a row of {@value OutboxLock#TABLE} held with a
 * pessimistic lock in a transaction of its own for the length of the read and the write.
 */
final class GroupLocks {

    private static final Logger LOG = Logger.getLogger(GroupLocks.class);

    private final KeycloakSessionFactory factory;

    GroupLocks(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    /** Runs {@code action} while holding the lock of {@code group} of the Claromentis at {@code apiBaseUrl}. */
    <T> T withLock(String apiBaseUrl, ClaromentisGroup group, Supplier<T> action) {
        String key = key(apiBaseUrl, group);
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> OutboxWorker.store(session).ensureLock(key));
        } catch (RuntimeException e) {
            // Two deliveries created the row at once and this one lost: the row is there, which is all we need.
            LOG.debugf("Lock row %s was created concurrently (%s)", key, e.getClass().getSimpleName());
        }
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            OutboxWorker.store(session).lock(key);
            return action.get();
        });
    }

    /** One key per group of one Claromentis, whichever realm delivers into it. */
    static String key(String apiBaseUrl, ClaromentisGroup group) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiBaseUrl.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16) + ":" + group.kind().path() + ":" + group.id();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }
}
