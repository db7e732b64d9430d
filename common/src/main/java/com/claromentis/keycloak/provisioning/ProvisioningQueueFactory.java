package com.claromentis.keycloak.provisioning;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

import java.util.Optional;
import java.util.function.Supplier;

/** Factory of {@link ProvisioningQueue}. */
public interface ProvisioningQueueFactory extends ProviderFactory<ProvisioningQueue> {

    /**
     * Runs {@code work} on this thread unless another node of the cluster (or another thread of this one) runs work
     * under {@code key} now, holding a lease in Keycloak's database that is renewed for as long as the work runs and
     * runs out by itself if this node dies. For syncs: Keycloak's own per-provider cluster lock expires after the
     * sync period and is not renewed, so a sync that outlasts it would otherwise run on two nodes at once.
     *
     * @return the work's result, or empty when the lease is held elsewhere (the work did not run)
     */
    <T> Optional<T> exclusively(KeycloakSessionFactory factory, String key, Supplier<T> work);
}
