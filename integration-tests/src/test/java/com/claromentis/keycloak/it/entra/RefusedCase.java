package com.claromentis.keycloak.it.entra;

import com.claromentis.keycloak.testing.entra.EntraSimulator;
import com.claromentis.keycloak.testing.entra.EntraUser;

import com.claromentis.keycloak.testing.entra.EntraSimulator.Tamper;

import java.util.function.Supplier;

/** The who-and-how of one refused case, shared by the browser sign-in and the token-exchange tests. */
abstract class RefusedCase {

    /** Null for a case of one path only, which then overrides {@link #user()} and {@link #reason()}. */
    private final HostileCase hostile;
    private final Supplier<EntraSimulator> simulator;

    RefusedCase(HostileCase hostile, Supplier<EntraSimulator> simulator) {
        this.hostile = hostile;
        this.simulator = simulator;
    }

    EntraUser user() {
        return hostile.user(simulator.get());
    }

    Tamper tamper() {
        return hostile == null ? Tamper.NONE : hostile.tamper();
    }

    String messageKey() {
        return hostile.messageKey();
    }

    String reason() {
        return hostile.reason();
    }
}
