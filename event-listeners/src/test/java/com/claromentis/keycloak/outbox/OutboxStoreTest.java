package com.claromentis.keycloak.outbox;

import org.junit.jupiter.api.DisplayName;

/** The store on H2, the engine of Keycloak's dev-file database. */
@DisplayName("Outbox store on H2: claiming, ordering and dead letters")
class OutboxStoreTest extends OutboxStoreContract {

    @Override
    TestDatabase database() {
        return new TestDatabase("jdbc:h2:mem:outbox-store;DB_CLOSE_DELAY=-1", "", "", true);
    }
}
