package com.claromentis.keycloak.connection;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A People API component as Keycloak's realm cache shares it between threads")
class SharedComponentModelTest {

    private static ComponentModel connection() {
        ComponentModel model = new ComponentModel();
        model.setId("c1");
        model.put(PeopleApiConnectionSettings.BASE_URL, "http://127.0.0.1:1/api/people/v2/");
        model.put(PeopleApiConnectionSettings.AUTH_TYPE, "basic");
        model.put(PeopleApiConnectionSettings.USERNAME, "keycloak");
        model.put(PeopleApiConnectionSettings.PASSWORD, "s3cret");
        return model;
    }

    @Nested
    @DisplayName("when the client registry and the client settings read it")
    class Reading {

        @Test
        @DisplayName("then its settings are left exactly as they are: no key is added for a setting it does not hold")
        void readOnly() {
            ComponentModel model = connection();
            Set<String> before = new HashSet<>(model.getConfig().keySet());

            DefaultPeopleApiClientsFactory.connectionSettings(model);
            new PeopleApiConnectionSettings(model).clientConfig(value -> value).build();

            assertThat(model.getConfig().keySet()).isEqualTo(before);
        }

        @Test
        @DisplayName("then eight threads reading it at once all see the username and password")
        void concurrentReaders() throws Exception {
            ComponentModel model = connection();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                Set<Future<Boolean>> reads = new HashSet<>();
                for (int i = 0; i < 2_000; i++) {
                    reads.add(pool.submit(() -> {
                        var settings = DefaultPeopleApiClientsFactory.connectionSettings(model);
                        return !settings.get(PeopleApiConnectionSettings.USERNAME).isEmpty()
                                && !settings.get(PeopleApiConnectionSettings.PASSWORD).isEmpty();
                    }));
                }
                for (Future<Boolean> read : reads) {
                    assertThat(read.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(model.get(PeopleApiConnectionSettings.USERNAME)).isEqualTo("keycloak");
        }
    }
}
