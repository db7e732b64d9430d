package com.claromentis.keycloak.outbox;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The memberships a queued CREATE or UPDATE brings along")
class DeliveryPayloadTest {

    @Nested
    @DisplayName("given a row's payload")
    class GivenPayload {

        @Test
        @DisplayName("when it names groups and roles, then both are delivered, in that order, once each")
        void both() {
            assertThat(Delivery.alongWith(Map.of(Delivery.MEMBERSHIPS, "GROUPS,ROLES,GROUPS")))
                    .containsExactly(ChangeType.GROUPS, ChangeType.ROLES);
        }

        @Test
        @DisplayName("when it names none, then the row delivers the user's fields only")
        void none() {
            assertThat(Delivery.alongWith(Map.of())).isEmpty();
            assertThat(Delivery.alongWith(Map.of(Delivery.MEMBERSHIPS, " "))).isEmpty();
        }

        @Test
        @DisplayName("when it names other change types or garbage (a tampered row), then nothing else is done")
        void hostile() {
            assertThat(Delivery.alongWith(Map.of(Delivery.MEMBERSHIPS, "DELETE,CREATE,groups,ROLES;DROP,\u0000")))
                    .isEmpty();
            assertThat(Delivery.alongWith(Map.of(Delivery.MEMBERSHIPS, " ROLES ")))
                    .containsExactly(ChangeType.ROLES);
        }
    }
}
