package com.claromentis.keycloak.provisioning;

import com.claromentis.keycloak.common.BundleSpi;

/** Registers {@link ProvisioningQueue} with Keycloak. */
public final class ProvisioningQueueSpi extends BundleSpi {

    public ProvisioningQueueSpi() {
        super("claromentis-provisioning-queue", ProvisioningQueue.class, ProvisioningQueueFactory.class);
    }
}
