package com.claromentis.keycloak.provisioning;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Registers {@link ProvisioningQueue} with Keycloak. */
public final class ProvisioningQueueSpi implements Spi {

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "claromentis-provisioning-queue";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return ProvisioningQueue.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ProvisioningQueueFactory.class;
    }
}
