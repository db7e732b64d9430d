package com.claromentis.keycloak.enterprise;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Given a group claim an identity provider sent")
class GroupClaimTest {

    @Nested
    @DisplayName("when it names ordinary groups")
    class Ordinary {

        @Test
        @DisplayName("then they are held sorted, trimmed and once each")
        void accepted() {
            GroupClaim claim = GroupClaim.of(List.of(" Staff ", "Finance", "Staff", "R&D Team"));

            assertThat(claim.accepted()).containsExactly("Finance", "R&D Team", "Staff");
            assertThat(claim.refused()).isEmpty();
            assertThat(claim.refusedWhole()).isFalse();
        }

        @Test
        @DisplayName("then no value at all holds no group")
        void empty() {
            assertThat(GroupClaim.of(List.of()).accepted()).isEmpty();
        }
    }

    @Nested
    @DisplayName("when a value is hostile or malformed")
    class Hostile {

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "Staff\nINFO admin logged in", "Staff\r", "Tab\there", "a\u0000b",
                "line\u2028sep", "bidi\u202eevil", "<script>alert(1)</script>", "<b>Staff</b>", "/realm-admins",
                "Staff/../admins", "Finance/Admins"})
        @DisplayName("then that value is refused with a reason, and the others are still held")
        void refused(String value) {
            GroupClaim claim = GroupClaim.of(Arrays.asList(value, "Staff"));

            assertThat(claim.accepted()).containsExactly("Staff");
            assertThat(claim.refused()).hasSize(1);
            assertThat(claim.refused().keySet()).allMatch(shown -> !shown.contains("\n") && !shown.contains("\r"));
        }

        @Test
        @DisplayName("then a name longer than 255 characters is refused")
        void tooLong() {
            GroupClaim claim = GroupClaim.of(List.of("x".repeat(256), "y".repeat(255)));

            assertThat(claim.accepted()).containsExactly("y".repeat(255));
            assertThat(claim.refused()).containsValue("longer than 255 characters");
        }

        @Test
        @DisplayName("then a null value is refused as empty")
        void nullValue() {
            GroupClaim claim = GroupClaim.of(Arrays.asList(null, "Staff"));

            assertThat(claim.accepted()).containsExactly("Staff");
            assertThat(claim.refused()).containsValue("empty");
        }
    }

    @Nested
    @DisplayName("when it names 10,000 groups")
    class Flood {

        @Test
        @DisplayName("then the whole claim is refused and no group at all is held")
        void refusedWhole() {
            List<String> values = new ArrayList<>(IntStream.range(0, 10_000).mapToObj(i -> "group-" + i).toList());

            GroupClaim claim = GroupClaim.of(values);

            assertThat(claim.refusedWhole()).isTrue();
            assertThat(claim.tooMany()).isEqualTo(10_000);
            assertThat(claim.accepted()).isEmpty();
        }

        @Test
        @DisplayName("then exactly the limit is still accepted")
        void atTheLimit() {
            GroupClaim claim = GroupClaim.of(IntStream.range(0, GroupClaim.MAX_GROUPS).mapToObj(i -> "g" + i).toList());

            assertThat(claim.refusedWhole()).isFalse();
            assertThat(claim.accepted()).hasSize(GroupClaim.MAX_GROUPS);
        }
    }
}
