package com.claromentis.keycloak.directory.manager;

import com.claromentis.keycloak.directory.SyncScopes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.naming.ldap.LdapName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Given a user's manager value from the directory")
class ManagerResolutionTest {

    private static final LdapName USERS = ManagerReference.configured("ou=people,dc=example,dc=test");
    private static final LdapName BOB = ManagerReference.configured("uid=bob,ou=people,dc=example,dc=test");
    private static final String ALICE_DN = "uid=alice,ou=people,dc=example,dc=test";

    private final List<LdapName> reads = new ArrayList<>();
    /** DN (lower case) -> username and that user's own manager DN. */
    private final Map<String, ManagerDirectory.Entry> directory = new java.util.HashMap<>(
            Map.of(ALICE_DN, new ManagerDirectory.Entry("alice", null)));
    private final ManagerDirectory reader = dn -> {
        reads.add(dn);
        return Optional.ofNullable(directory.get(dn.toString().toLowerCase().replace(", ", ",")));
    };

    private static String dn(String uid) {
        return "uid=" + uid + ",ou=people,dc=example,dc=test";
    }

    private ManagerResolution resolve(String raw, boolean subtree, ManagerCache cache) {
        return ManagerResolution.resolve(raw, BOB, USERS, subtree, cache, reader);
    }

    @Nested
    @DisplayName("when it is the DN of a synced user")
    class Valid {

        @Test
        @DisplayName("then the manager is that user's username, without a warning")
        void username() {
            ManagerResolution resolution = resolve(ALICE_DN, false, new ManagerCache());

            assertThat(resolution.username()).contains("alice");
            assertThat(resolution.problem()).isEmpty();
        }

        @Test
        @DisplayName("then the same entry written with other case and spacing is one directory read for the whole cache")
        void oneReadPerDistinctDn() {
            ManagerCache cache = new ManagerCache();

            resolve(ALICE_DN, false, cache);
            ManagerResolution again = resolve("UID=Alice, OU=People, DC=example, DC=test", false, cache);

            assertThat(again.username()).contains("alice");
            assertThat(reads).hasSize(1);
        }

        @Test
        @DisplayName("then a DN no synced user has is read once too, and cleared every time with a reason")
        void danglingCachedToo() {
            ManagerCache cache = new ManagerCache();
            String gone = "uid=gone,ou=people,dc=example,dc=test";

            ManagerResolution first = resolve(gone, false, cache);
            ManagerResolution second = resolve(gone, false, cache);

            assertThat(first.username()).isEmpty();
            assertThat(second.problem()).contains("no synced user at the manager DN");
            assertThat(reads).hasSize(1);
        }
    }

    @Nested
    @DisplayName("when it cannot name a synced user")
    class Cleared {

        @Test
        @DisplayName("then no value clears quietly, without a read")
        void none() {
            assertThat(resolve(null, false, new ManagerCache())).isEqualTo(
                    new ManagerResolution(Optional.empty(), Optional.empty()));
            assertThat(resolve("  ", false, new ManagerCache()).problem()).isEmpty();
            assertThat(reads).isEmpty();
        }

        @Test
        @DisplayName("then a bare username or garbage is not a DN")
        void notADn() {
            assertThat(resolve("alice", false, new ManagerCache()).problem()).contains("the manager value is not a DN");
            assertThat(resolve("uid=alice,=oops", false, new ManagerCache()).problem())
                    .contains("the manager value is not a DN");
            assertThat(resolve("*)(uid=*", false, new ManagerCache()).problem()).contains("the manager value is not a DN");
            assertThat(reads).isEmpty();
        }

        @Test
        @DisplayName("then the user's own DN, in any case, is a self-reference")
        void self() {
            ManagerResolution resolution = resolve("UID=BOB,ou=People,dc=example,dc=test", false, new ManagerCache());

            assertThat(resolution.username()).isEmpty();
            assertThat(resolution.problem()).contains("the manager DN is the user's own");
            assertThat(reads).isEmpty();
        }

        @Test
        @DisplayName("then a DN in another subtree, the users DN itself, or below one level on a one-level provider is outside")
        void outside() {
            assertThat(resolve("uid=eve,ou=other,dc=example,dc=test", true, new ManagerCache()).problem())
                    .contains("the manager DN is outside the provider's users");
            assertThat(resolve("ou=people,dc=example,dc=test", true, new ManagerCache()).problem())
                    .contains("the manager DN is outside the provider's users");
            assertThat(resolve("uid=deep,ou=team,ou=people,dc=example,dc=test", false, new ManagerCache()).problem())
                    .contains("the manager DN is outside the provider's users");
            assertThat(reads).isEmpty();
        }

        @Test
        @DisplayName("then below one level is read when the provider searches the subtree")
        void subtree() {
            resolve("uid=deep,ou=team,ou=people,dc=example,dc=test", true, new ManagerCache());

            assertThat(reads).hasSize(1);
        }
    }

    @Nested
    @DisplayName("when managers form a chain")
    class Chains {

        @Test
        @DisplayName("then a cycle back to the user (bob and alice manage each other) clears the value with a reason")
        void twoCycle() {
            directory.put(ALICE_DN, new ManagerDirectory.Entry("alice", dn("bob")));

            ManagerResolution resolution = resolve(ALICE_DN, false, new ManagerCache());

            assertThat(resolution.username()).isEmpty();
            assertThat(resolution.problem()).contains("the managers form a cycle back to the user");
        }

        @Test
        @DisplayName("then a longer cycle (bob, alice, carol, bob) is found too")
        void threeCycle() {
            directory.put(ALICE_DN, new ManagerDirectory.Entry("alice", dn("carol")));
            directory.put(dn("carol"), new ManagerDirectory.Entry("carol", dn("BOB")));

            assertThat(resolve(ALICE_DN, false, new ManagerCache()).problem()).hasValueSatisfying(problem -> assertThat(problem).contains("cycle"));
        }

        @Test
        @DisplayName("then a chain that ends at the top is a valid manager, and a loop above the user that does not include them is not the user's problem")
        void noCycle() {
            directory.put(ALICE_DN, new ManagerDirectory.Entry("alice", dn("carol")));
            directory.put(dn("carol"), new ManagerDirectory.Entry("carol", dn("dave")));
            directory.put(dn("dave"), new ManagerDirectory.Entry("dave", dn("carol")));

            ManagerResolution resolution = resolve(ALICE_DN, false, new ManagerCache());

            assertThat(resolution.username()).contains("alice");
            assertThat(resolution.problem()).isEmpty();
        }

        @Test
        @DisplayName("then a chain deeper than any organisation stops at the limit, without a loop or a hang, and each DN is read once")
        void deepChain() {
            String previous = ALICE_DN;
            for (int i = 0; i < ManagerResolution.MAX_CHAIN * 3; i++) {
                String next = dn("m" + i);
                directory.put(previous, new ManagerDirectory.Entry(previous.equals(ALICE_DN) ? "alice" : "m" + (i - 1), next));
                directory.put(next, new ManagerDirectory.Entry("m" + i, null));
                previous = next;
            }
            ManagerCache cache = new ManagerCache();

            assertThat(resolve(ALICE_DN, false, cache).username()).contains("alice");
            int afterFirst = reads.size();
            resolve(ALICE_DN, false, cache);
            assertThat(afterFirst).isLessThanOrEqualTo(ManagerResolution.MAX_CHAIN + 1);
            assertThat(reads).hasSize(afterFirst);
        }

        @Test
        @DisplayName("then a manager value above the user that is not a DN ends the chain quietly")
        void hostileManagerAbove() {
            directory.put(ALICE_DN, new ManagerDirectory.Entry("alice", "*)(uid=*"));

            assertThat(resolve(ALICE_DN, false, new ManagerCache()).username()).contains("alice");
        }
    }

    @Nested
    @DisplayName("when the directory cannot answer")
    class Failing {

        @Test
        @DisplayName("then the failure reaches the caller (which keeps the old value) and nothing is cached")
        void notCached() {
            ManagerCache cache = new ManagerCache();
            ManagerDirectory down = name -> {
                throw new IllegalStateException("connection refused");
            };

            assertThatThrownBy(() -> ManagerResolution.resolve(ALICE_DN, BOB, USERS, false, cache, down))
                    .hasMessage("connection refused");
            assertThat(cache.size()).isZero();
        }
    }

    @Nested
    @DisplayName("when the cache is full")
    class Bounded {

        @Test
        @DisplayName("then it still answers, reading the DNs it has no room for")
        void full() {
            ManagerCache cache = new ManagerCache(1);
            resolve("uid=gone,ou=people,dc=example,dc=test", false, cache);

            assertThat(resolve(ALICE_DN, false, cache).username()).contains("alice");
            assertThat(resolve(ALICE_DN, false, cache).username()).contains("alice");
            assertThat(cache.size()).isEqualTo(1);
            assertThat(reads).hasSize(3);
        }
    }

    @Nested
    @DisplayName("when a sync starts on a thread")
    class SyncScope {

        private final AtomicLong clock = new AtomicLong();
        private final SyncScopes<ManagerCache> caches = new SyncScopes<>(ManagerCache::new, clock::get);

        @Test
        @DisplayName("then that thread shares one cache for the provider until the next sync starts")
        void sharedUntilNextSync() {
            caches.begin("ldap-1");
            ManagerCache first = caches.current("ldap-1");

            assertThat(caches.current("ldap-1")).isSameAs(first).isNotNull();
            assertThat(caches.current("ldap-2")).isNull();
            caches.begin("ldap-1");
            assertThat(caches.current("ldap-1")).isNotSameAs(first);
        }

        @Test
        @DisplayName("then another thread (a sign-in) does not see it")
        void otherThread() throws InterruptedException {
            caches.begin("ldap-1");
            ManagerCache[] seen = new ManagerCache[1];
            Thread other = new Thread(() -> seen[0] = caches.current("ldap-1"));
            other.start();
            other.join();

            assertThat(seen[0]).isNull();
        }

        @Test
        @DisplayName("then it ends once no user was imported on it for the idle time")
        void idleEnds() {
            caches.begin("ldap-1");
            clock.addAndGet(SyncScopes.IDLE.toNanos());
            assertThat(caches.current("ldap-1")).isNotNull();
            clock.addAndGet(SyncScopes.IDLE.toNanos() + 1);

            assertThat(caches.current("ldap-1")).isNull();
        }
    }
}
