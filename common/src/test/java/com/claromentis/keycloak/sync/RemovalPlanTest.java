package com.claromentis.keycloak.sync;

import com.claromentis.keycloak.sync.RemovalPlan.Decision;
import com.claromentis.keycloak.sync.RemovalPlan.Known;
import com.claromentis.keycloak.sync.RemovalPlan.Lookup;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Given the Keycloak users of an LDAP provider and the directory's listing of its users")
class RemovalPlanTest {

    private static final String SETTING = "the Claromentis directory sync mapper";

    private static final List<Known> TEN = IntStream.range(0, 10)
            .mapToObj(i -> new Known("id-" + i, "user" + i, "uuid-" + i, true)).toList();

    private static Set<String> listedExcept(int... missing) {
        Set<String> listed = new java.util.HashSet<>();
        TEN.forEach(user -> listed.add(user.uuid()));
        for (int i : missing) {
            listed.remove("uuid-" + i);
        }
        return listed;
    }

    @Nested
    @DisplayName("when one user is missing from the listing")
    class OneMissing {

        @Test
        @DisplayName("then they are removed only when the search for their own entry answers that it is gone")
        void confirmedBySearch() {
            List<String> asked = new ArrayList<>();
            Decision gone = RemovalPlan.decide(listedExcept(3), TEN, uuid -> { asked.add(uuid); return Lookup.GONE; }, 20, SETTING);

            assertThat(gone.refusal()).isNull();
            assertThat(gone.removed()).extracting(Known::username).containsExactly("user3");
            assertThat(asked).as("only the missing one is looked up").containsExactly("uuid-3");
        }

        @Test
        @DisplayName("then an entry the search still finds (a listing that lost it) stays")
        void presentAfterAll() {
            Decision decision = RemovalPlan.decide(listedExcept(3), TEN, uuid -> Lookup.PRESENT, 20, SETTING);

            assertThat(decision.removed()).isEmpty();
            assertThat(decision.unconfirmed()).isZero();
        }

        @Test
        @DisplayName("then a search that fails keeps them and is counted as unconfirmed")
        void unanswered() {
            Decision decision = RemovalPlan.decide(listedExcept(3), TEN, uuid -> Lookup.UNANSWERED, 20, SETTING);

            assertThat(decision.removed()).isEmpty();
            assertThat(decision.unconfirmed()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("when the directory answers badly")
    class BadAnswers {

        @Test
        @DisplayName("then an empty listing removes nobody and says why, without a single lookup")
        void emptyListing() {
            Decision decision = RemovalPlan.decide(Set.of(), TEN, uuid -> { throw new AssertionError("looked up " + uuid); }, 100, SETTING);

            assertThat(decision.removed()).isEmpty();
            assertThat(decision.refusal()).contains("listed no users");
        }

        @Test
        @DisplayName("then more missing than the allowed share removes nobody, and the refusal names the setting to raise")
        void tooMany() {
            Decision decision = RemovalPlan.decide(listedExcept(1, 2, 3), TEN, uuid -> Lookup.GONE, 20, SETTING);

            assertThat(decision.removed()).isEmpty();
            assertThat(decision.refusal()).contains("3 of the provider's 10 users").contains("20%")
                    .contains("Largest share removed in one sync").contains(SETTING);
        }

        @Test
        @DisplayName("then exactly the allowed share is still removed")
        void atTheLimit() {
            Decision decision = RemovalPlan.decide(listedExcept(1, 2), TEN, uuid -> Lookup.GONE, 20, SETTING);

            assertThat(decision.removed()).hasSize(2);
        }

        @Test
        @DisplayName("then a Keycloak user without a directory UUID is never removed")
        void noUuid() {
            List<Known> known = new ArrayList<>(TEN);
            known.add(new Known("id-x", "imported-by-hand", null, true));

            Decision decision = RemovalPlan.decide(listedExcept(), known, uuid -> Lookup.GONE, 100, SETTING);

            assertThat(decision.removed()).isEmpty();
        }
    }

    @Test
    @DisplayName("when nobody is missing then nothing is looked up and nothing removed")
    void nobodyMissing() {
        Map<String, Integer> lookups = new java.util.HashMap<>();
        Decision decision = RemovalPlan.decide(listedExcept(), TEN, uuid -> { lookups.merge(uuid, 1, Integer::sum); return Lookup.GONE; }, 20, SETTING);

        assertThat(decision.removed()).isEmpty();
        assertThat(lookups).isEmpty();
    }
}
