package com.claromentis.keycloak.provisioning;

import org.keycloak.provider.ProviderFactory;

/** Factory of {@link ProvisioningQueue}. */
public interface ProvisioningQueueFactory extends ProviderFactory<ProvisioningQueue> {
}
