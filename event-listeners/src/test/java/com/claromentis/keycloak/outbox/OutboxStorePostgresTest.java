package com.claromentis.keycloak.outbox;

import com.claromentis.keycloak.testing.Postgres;
import org.junit.jupiter.api.DisplayName;

/**
 * The store on a real PostgreSQL (Debian's package, a throwaway cluster on loopback): the changelog creates the
 * tables there, Hibernate validates the entities against them, and the claim statements keep two nodes apart with
 * PostgreSQL's own row locking. Fails with the install command when PostgreSQL is missing.
 */
@DisplayName("Outbox store on PostgreSQL: claiming, ordering and dead letters")
class OutboxStorePostgresTest extends OutboxStoreContract {

    private Postgres postgres;

    @Override
    TestDatabase database() {
        postgres = Postgres.start();
        return new TestDatabase(postgres.createDatabase("outbox_store"), Postgres.USERNAME, Postgres.PASSWORD, false);
    }

    @Override
    void closeDatabase() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
