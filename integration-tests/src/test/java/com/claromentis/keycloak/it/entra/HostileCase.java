package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.testing.entra.EntraSimulator.Tamper;

import java.util.function.Function;

import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO;
import static com.claromentis.keycloak.it.entra.EntraFixtures.CONTOSO_DOMAIN;
import static com.claromentis.keycloak.it.entra.EntraFixtures.FABRIKAM;
import static com.claromentis.keycloak.it.entra.EntraFixtures.FABRIKAM_DOMAIN;

/**
 * The sign-ins a realm bound to Contoso must refuse, whatever the path (browser sign-in or token exchange): who
 * signs in, how the simulator spoils the token, the page's message key and the reason code of the event.
 */
enum HostileCase {
    OTHER_TENANT(s -> EntraFixtures.member(FABRIKAM, FABRIKAM_DOMAIN, "Mallory"), Tamper.NONE, "entraTenantMismatch", "tenant_mismatch"),
    PERSONAL_ACCOUNT(s -> EntraFixtures.personalAccount("Pat"), Tamper.NONE, "entraPersonalAccountRefused", "personal_account"),
    GUEST(s -> EntraFixtures.guestInContoso(s, "Gus"), Tamper.NONE, "entraGuestRefused", "guest_user"),
    WRONG_AUDIENCE(s -> EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Aud"), Tamper.WRONG_AUDIENCE, "entraInvalidToken", "wrong_audience"),
    FOREIGN_KEY(s -> EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Forger"), Tamper.FOREIGN_KEY, "entraInvalidToken", "bad_signature"),
    EXPIRED(s -> EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Late"), Tamper.EXPIRED, "entraTokenExpired", "expired"),
    ISSUED_IN_FUTURE(s -> EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Early"), Tamper.ISSUED_IN_FUTURE, "entraTokenExpired", "issued_in_future"),
    SEVERAL_AUDIENCES(s -> EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Shared"), Tamper.SEVERAL_AUDIENCES, "entraInvalidToken",
            "missing_authorized_party"),
    V1_TOKEN(s -> EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Legacy"), Tamper.V1_TOKEN, "entraInvalidToken", "v1_token"),
    ACCESS_TOKEN_TYP(s -> EntraFixtures.member(CONTOSO, CONTOSO_DOMAIN, "Bearer"), Tamper.ACCESS_TOKEN_TYP, "entraInvalidToken",
            "unexpected_typ");

    private final Function<EntraSimulator, EntraUser> user;
    private final Tamper tamper;
    private final String messageKey;
    private final String reason;

    HostileCase(Function<EntraSimulator, EntraUser> user, Tamper tamper, String messageKey, String reason) {
        this.user = user;
        this.tamper = tamper;
        this.messageKey = messageKey;
        this.reason = reason;
    }

    EntraUser user(EntraSimulator simulator) {
        return user.apply(simulator);
    }

    Tamper tamper() {
        return tamper;
    }

    String messageKey() {
        return messageKey;
    }

    String reason() {
        return reason;
    }
}
