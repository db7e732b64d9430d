package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import com.claromentis.keycloak.storage.RecentlyApplied.Collected;
import com.claromentis.keycloak.storage.RecentlyApplied.Digest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("What the previous changed sync applied, for the next one to leave alone")
class RecentlyAppliedTest {

    private static final String COMPONENT = "component-1";
    private static final long CHANGED_START = 1_700_000_000_123L;
    private static final long FULL_START = 1_699_999_000_000L;

    private static ClaromentisUser person(long id, String title) {
        return ClaromentisUser.builder("person." + id).id(id).firstName("Pat").surname("Doe").email("p" + id + "@example.org")
                .jobTitle(title).managerId(7L).active(true).build();
    }

    private static RecentlyApplied remembered(ClaromentisUser... people) {
        RecentlyApplied memo = new RecentlyApplied();
        Collected collected = new Collected();
        for (ClaromentisUser person : people) {
            collected.add(person);
        }
        memo.remember(COMPONENT, CHANGED_START, FULL_START, collected);
        return memo;
    }

    @Nested
    @DisplayName("given a changed sync on this node remembered what it applied")
    class Remembered {

        @Test
        @DisplayName("when the history still shows that sync and the same full sync, the same answer is known, a changed one is not")
        void sameAnswerOnly() {
            RecentlyApplied memo = remembered(person(1, "Engineer"), person(2, "Designer"));

            Map<Long, Digest> previous = memo.takeIfLast(COMPONENT, CHANGED_START, FULL_START);

            assertThat(new Collected().keptIfUnchanged(previous, person(1, "Engineer"))).isTrue();
            assertThat(new Collected().keptIfUnchanged(previous, person(2, "Lead designer"))).isFalse();
            assertThat(new Collected().keptIfUnchanged(previous, person(3, "Engineer"))).as("not read by that sync").isFalse();
        }

        @Test
        @DisplayName("when another node's changed sync ran since, or a full sync of any node, nothing is known")
        void anotherSyncInBetween() {
            assertThat(remembered(person(1, "Engineer")).takeIfLast(COMPONENT, CHANGED_START + 1, FULL_START)).isEmpty();
            assertThat(remembered(person(1, "Engineer")).takeIfLast(COMPONENT, CHANGED_START, FULL_START + 5)).isEmpty();
            assertThat(remembered(person(1, "Engineer")).takeIfLast(COMPONENT, CHANGED_START, -1)).isEmpty();
            assertThat(remembered(person(1, "Engineer")).takeIfLast("component-2", CHANGED_START, FULL_START)).isEmpty();
        }

        @Test
        @DisplayName("when it is taken once, a second sync finds nothing; when the provider's settings change, nothing either")
        void servesOneSync() {
            RecentlyApplied memo = remembered(person(1, "Engineer"));
            assertThat(memo.takeIfLast(COMPONENT, CHANGED_START, FULL_START)).hasSize(1);
            assertThat(memo.takeIfLast(COMPONENT, CHANGED_START, FULL_START)).isEmpty();

            RecentlyApplied forgotten = remembered(person(1, "Engineer"));
            forgotten.forget(COMPONENT);
            assertThat(forgotten.takeIfLast(COMPONENT, CHANGED_START, FULL_START)).isEmpty();
        }
    }

    @Nested
    @DisplayName("given answers that differ in one field only")
    class Digests {

        @Test
        @DisplayName("then every field counts, a missing value differs from an empty one, and shifted text does not collide")
        void everyFieldCounts() {
            ClaromentisUser base = person(1, "Engineer");
            assertThat(Digest.of(base)).isEqualTo(Digest.of(person(1, "Engineer")));
            assertThat(Digest.of(base)).isNotEqualTo(Digest.of(base.toBuilder().active(false).build()));
            assertThat(Digest.of(base)).isNotEqualTo(Digest.of(base.toBuilder().managerId(8L).build()));
            assertThat(Digest.of(base)).isNotEqualTo(Digest.of(base.toBuilder().officeLocation("").build()));
            assertThat(Digest.of(base.toBuilder().firstName("Pa").surname("tDoe").build()))
                    .isNotEqualTo(Digest.of(base.toBuilder().firstName("Pat").surname("Doe").build()));
            assertThat(Digest.of(base.toBuilder().jobTitle("x".repeat(10_000)).build()))
                    .isNotEqualTo(Digest.of(base.toBuilder().jobTitle("x".repeat(9_999)).build()));
        }

        @Test
        @DisplayName("then a person without a Claromentis id is never known")
        void withoutId() {
            ClaromentisUser unsaved = ClaromentisUser.builder("new.person").jobTitle("Engineer").build();
            RecentlyApplied memo = remembered(unsaved, person(1, "Engineer"));

            Map<Long, Digest> previous = memo.takeIfLast(COMPONENT, CHANGED_START, FULL_START);

            assertThat(new Collected().keptIfUnchanged(previous, unsaved)).isFalse();
        }
    }

    @Test
    @DisplayName("given a changed sync that applied more people than it may remember, nothing is remembered")
    void tooManyPeople() {
        RecentlyApplied memo = new RecentlyApplied();
        Collected collected = new Collected();
        for (long id = 1; id <= RecentlyApplied.MAX_PEOPLE + 1; id++) {
            collected.add(person(id, "Engineer"));
        }
        memo.remember(COMPONENT, CHANGED_START, FULL_START, collected);

        assertThat(memo.takeIfLast(COMPONENT, CHANGED_START, FULL_START)).isEmpty();
    }
}
