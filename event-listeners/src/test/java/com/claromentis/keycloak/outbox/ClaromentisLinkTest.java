package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.outbox.ClaromentisLink.Keys;
import com.claromentis.keycloak.outbox.ClaromentisLink.Linked;
import com.claromentis.keycloak.outbox.ClaromentisLink.Match;
import com.claromentis.keycloak.outbox.ClaromentisLink.Unlinked;
import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A same-username Claromentis user found by a change taken over after a crash")
class ClaromentisLinkTest {

    private static final ClaromentisUser CREATED_BY_LOST_ATTEMPT = ClaromentisUser.builder("ann").id(42L)
            .email("Ann@Example.test").build();

    @Test
    @DisplayName("is linked when it holds the Keycloak user's email: the node that stopped had created it")
    void adoptedWhenTheEmailMatches() {
        Match match = ClaromentisLink.afterLostAttempt(new Unlinked(CREATED_BY_LOST_ATTEMPT), true,
                new Keys(null, "ann@example.test", false));

        assertThat(match).isInstanceOfSatisfying(Linked.class, linked -> {
            assertThat(linked.user().id()).isEqualTo(42L);
            assertThat(linked.remember()).isTrue();
        });
    }

    @Test
    @DisplayName("stays a clash when its email differs, or when the Keycloak user has none")
    void clashWhenTheEmailDiffers() {
        Unlinked clash = new Unlinked(CREATED_BY_LOST_ATTEMPT);

        assertThat(ClaromentisLink.afterLostAttempt(clash, true, new Keys(null, "someone@example.test", true)))
                .isSameAs(clash);
        assertThat(ClaromentisLink.afterLostAttempt(clash, true, new Keys(null, null, false))).isSameAs(clash);
    }

    @Test
    @DisplayName("stays a clash on a change nobody had claimed before: an equal username and email are not a link")
    void clashWithoutATakeOver() {
        Unlinked clash = new Unlinked(CREATED_BY_LOST_ATTEMPT);

        assertThat(ClaromentisLink.afterLostAttempt(clash, false, new Keys(null, "ann@example.test", true)))
                .isSameAs(clash);
    }
}
