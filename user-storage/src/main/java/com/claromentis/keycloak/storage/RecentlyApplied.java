package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.peopleapi.ClaromentisUser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The people this node's last changed sync of each People API provider read and applied, exactly as Claromentis
 * answered, so that the next changed sync leaves alone those it reads again unchanged. A changed sync asks for five
 * minutes more than the time since the last one ({@link PeopleApiSync#CHANGED_SYNC_OVERLAP}), so each sync reads the
 * previous sync's people once more; without this it would load and compare each of them again.
 *
 * <p>Used only when nothing can have come in between: the sync that recorded it is still the provider's last changed
 * sync of any node and no full sync ran since (the sync history every node writes names each run's start to the
 * millisecond; no clocks are compared), its settings are unchanged, and a person counts only with the very same
 * answer, whose manager was resolved then. Kept per node and in memory
 * as a digest of each answer (never more than one sync's people per provider, under 100 bytes each): losing it costs
 * one compare per person, nothing else.
 */
final class RecentlyApplied {

    /** More than this many people in one changed sync are not remembered: that sync was a bulk change anyway. */
    static final int MAX_PEOPLE = 50_000;

    private final Map<String, Memo> byComponent = new ConcurrentHashMap<>();

    /**
     * @param startedAt     when the sync that applied them started on this node (epoch ms, as its history records it)
     * @param fullStartedAt the start of the provider's last full sync as that sync found it, or -1 for none
     */
    private record Memo(long startedAt, long fullStartedAt, Map<Long, Digest> people) {
    }

    /** The first 128 bits of the SHA-256 of every field of one answer. */
    record Digest(long high, long low) {
        static Digest of(ClaromentisUser person) {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every Java runtime has SHA-256", e);
            }
            Object[] fields = {person.id(), person.username(), person.firstName(), person.surname(), person.email(),
                    person.phone(), person.jobTitle(), person.officeLocation(), person.department(), person.managerId(),
                    person.managerUsername(), person.groups(), person.roles(), person.active(), person.externalId()};
            for (Object field : fields) {
                // Length-prefixed, null apart from empty: no two different answers give the same bytes.
                if (field == null) {
                    sha.update(ByteBuffer.allocate(4).putInt(-1).array());
                } else {
                    byte[] bytes = field.toString().getBytes(StandardCharsets.UTF_8);
                    sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                    sha.update(bytes);
                }
            }
            ByteBuffer hash = ByteBuffer.wrap(sha.digest());
            return new Digest(hash.getLong(), hash.getLong());
        }
    }

    /** What a changed sync collects while it runs: the people it applied, by Claromentis id. */
    static final class Collected {
        private final Map<Long, Digest> people = new HashMap<>();

        void add(ClaromentisUser person) {
            if (person.id() != null) {
                add(person.id(), Digest.of(person));
            }
        }

        /**
         * Whether {@code person} is exactly as the previous sync applied them ({@code previous} from takeIfLast);
         * such a person still counts as applied, for the sync after this one.
         */
        boolean keptIfUnchanged(Map<Long, Digest> previous, ClaromentisUser person) {
            Digest before = person.id() == null ? null : previous.get(person.id());
            if (before == null || !before.equals(Digest.of(person))) {
                return false;
            }
            add(person.id(), before);
            return true;
        }

        private void add(long id, Digest digest) {
            if (people.size() <= MAX_PEOPLE) {
                people.put(id, digest);
            }
        }
    }

    /**
     * Takes what this node's previous changed sync of the provider applied, when the sync history still shows that
     * sync as the last changed one and the same full sync as then; empty otherwise, or when nothing was remembered.
     * Taken, not read: each memo serves one sync.
     *
     * @param lastChangedStart the start of the provider's last recorded changed sync, or -1 for none
     * @param lastFullStart    the start of its last recorded full sync, or -1 for none
     */
    Map<Long, Digest> takeIfLast(String componentId, long lastChangedStart, long lastFullStart) {
        Memo memo = byComponent.remove(componentId);
        return memo != null && memo.startedAt() == lastChangedStart && memo.fullStartedAt() == lastFullStart
                ? memo.people() : Map.of();
    }

    /** Remembers the people a changed sync applied (or found equal); too many are not remembered at all. */
    /**
     * @param startedAt     this sync's start, as its history records it
     * @param fullStartedAt the start of the last full sync as this sync found it in the history, or -1 for none
     */
    void remember(String componentId, long startedAt, long fullStartedAt, Collected collected) {
        if (collected.people.isEmpty() || collected.people.size() > MAX_PEOPLE) {
            byComponent.remove(componentId);
            return;
        }
        byComponent.put(componentId, new Memo(startedAt, fullStartedAt, Map.copyOf(collected.people)));
    }

    void forget(String componentId) {
        byComponent.remove(componentId);
    }
}
