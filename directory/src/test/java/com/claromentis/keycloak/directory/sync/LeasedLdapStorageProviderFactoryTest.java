package com.claromentis.keycloak.directory.sync;

import com.claromentis.keycloak.provisioning.ProvisioningQueue;
import com.claromentis.keycloak.provisioning.ProvisioningQueueFactory;
import com.claromentis.keycloak.sync.SyncMetrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.ldap.LDAPStorageProviderFactory;
import org.keycloak.storage.user.SynchronizationResult;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

@DisplayName("Given the bundle's LDAP provider factory")
class LeasedLdapStorageProviderFactoryTest {

    private final LeasedLdapStorageProviderFactory factory = new LeasedLdapStorageProviderFactory();

    @Nested
    @DisplayName("when Keycloak loads the providers of the user storage SPI")
    class Registration {

        @Test
        @DisplayName("then it has Keycloak's LDAP id, so the admin console's LDAP page and existing providers use it")
        void keycloaksId() {
            assertThat(factory.getId()).isEqualTo("ldap").isEqualTo(new LDAPStorageProviderFactory().getId());
        }

        @Test
        @DisplayName("then its order is above Keycloak's own factory's, so Keycloak picks it for that id")
        void winsOverKeycloaks() {
            assertThat(factory.order()).isGreaterThan(new LDAPStorageProviderFactory().order());
        }

        @Test
        @DisplayName("then it is Keycloak's LDAP factory, changed in its two sync entry points and its order only")
        void changesOnlyTheSyncs() {
            assertThat(factory).isInstanceOf(LDAPStorageProviderFactory.class);
            assertThat(Arrays.stream(LeasedLdapStorageProviderFactory.class.getDeclaredMethods())
                    .filter(method -> !method.isSynthetic() && !Modifier.isPrivate(method.getModifiers()))
                    .map(Method::getName))
                    .containsExactlyInAnyOrder("sync", "syncSince", "order");
        }

        @Test
        @DisplayName("then the module's service file names it for the user storage SPI")
        void registered() throws IOException {
            try (InputStream in = getClass().getResourceAsStream(
                    "/META-INF/services/org.keycloak.storage.UserStorageProviderFactory")) {
                assertThat(in).isNotNull();
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim))
                        .contains(LeasedLdapStorageProviderFactory.class.getName());
            }
        }
    }

    @Nested
    @DisplayName("when another node holds the provider's sync lease")
    class LeaseHeldElsewhere {

        private KeycloakSessionFactory sessionFactory;
        private ProvisioningQueueFactory queues;
        private final UserStorageProviderModel model = model("ldap-component-1", "Head office");

        @BeforeEach
        void leaseTaken() {
            sessionFactory = mock(KeycloakSessionFactory.class);
            queues = mock(ProvisioningQueueFactory.class);
            when(sessionFactory.getProviderFactory(ProvisioningQueue.class)).thenReturn(queues);
            when(queues.exclusively(any(), anyString(), any())).thenReturn(Optional.empty());
        }

        @Test
        @DisplayName("then a full sync answers Keycloak's 'ignored', reads nothing, and is counted as skipped under 'ldap'")
        void fullSyncIgnored() {
            long skipped = SyncMetrics.shared().runs("ldap", SyncMetrics.Kind.FULL, SyncMetrics.Outcome.SKIPPED);

            SynchronizationResult result = factory.sync(sessionFactory, "realm-1", model);

            assertThat(result.isIgnored()).isTrue();
            assertThat(SyncMetrics.shared().runs("ldap", SyncMetrics.Kind.FULL, SyncMetrics.Outcome.SKIPPED))
                    .isEqualTo(skipped + 1);
            verify(queues).exclusively(eq(sessionFactory), eq("ldap-sync:ldap-component-1"), any());
            // Keycloak's sync would open sessions of its own: none was opened.
            verify(sessionFactory).getProviderFactory(ProvisioningQueue.class);
            verifyNoMoreInteractions(sessionFactory);
        }

        @Test
        @DisplayName("then a changed-users sync answers 'ignored' too, under the same lease as the full sync")
        void changedSyncIgnored() {
            long skipped = SyncMetrics.shared().runs("ldap", SyncMetrics.Kind.CHANGED, SyncMetrics.Outcome.SKIPPED);

            SynchronizationResult result = factory.syncSince(new Date(0), sessionFactory, "realm-1", model);

            assertThat(result.isIgnored()).isTrue();
            assertThat(SyncMetrics.shared().runs("ldap", SyncMetrics.Kind.CHANGED, SyncMetrics.Outcome.SKIPPED))
                    .isEqualTo(skipped + 1);
            verify(queues).exclusively(eq(sessionFactory), eq("ldap-sync:ldap-component-1"), any());
            verify(sessionFactory).getProviderFactory(ProvisioningQueue.class);
            verifyNoMoreInteractions(sessionFactory);
        }
    }

    @Nested
    @DisplayName("when the lease is free and Keycloak's sync fails (the directory cannot be read)")
    class SyncFails {

        @Test
        @DisplayName("then the failure reaches Keycloak as before and is counted as a failed 'ldap' sync")
        @SuppressWarnings("unchecked")
        void failureCounted() {
            KeycloakSessionFactory sessionFactory = mock(KeycloakSessionFactory.class);
            ProvisioningQueueFactory queues = mock(ProvisioningQueueFactory.class);
            when(sessionFactory.getProviderFactory(ProvisioningQueue.class)).thenReturn(queues);
            when(queues.exclusively(any(), anyString(), any()))
                    .thenAnswer(call -> Optional.ofNullable(((Supplier<Object>) call.getArgument(2)).get()));
            // Keycloak's sync opens a session first; a factory that cannot give one fails it at once.
            when(sessionFactory.create()).thenThrow(new IllegalStateException("database down"));
            long failed = SyncMetrics.shared().runs("ldap", SyncMetrics.Kind.FULL, SyncMetrics.Outcome.FAILED);

            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> factory.sync(sessionFactory, "realm-1", model("ldap-component-2", "Branch")))
                    .hasMessageContaining("database down");
            assertThat(SyncMetrics.shared().runs("ldap", SyncMetrics.Kind.FULL, SyncMetrics.Outcome.FAILED))
                    .isEqualTo(failed + 1);
        }
    }

    private static UserStorageProviderModel model(String id, String name) {
        UserStorageProviderModel model = new UserStorageProviderModel();
        model.setId(id);
        model.setName(name);
        model.setProviderId("ldap");
        return model;
    }
}
