package com.claromentis.keycloak.storage;

import org.keycloak.storage.user.SynchronizationResult;

/**
 * A sync that could not read Claromentis. Marked "ignored" so Keycloak does not move its last-sync time forward (a
 * changed-users sync would otherwise skip every change made while Claromentis was down), with a status that says
 * why: the admin console shows an ignored result's status as a warning.
 */
final class FailedSync extends SynchronizationResult {

    private final String status;

    FailedSync(String status) {
        this.status = status;
        setIgnored(true);
        increaseFailed();
    }

    @Override
    public String getStatus() {
        return status;
    }
}
