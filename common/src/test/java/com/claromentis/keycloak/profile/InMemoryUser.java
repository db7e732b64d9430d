package com.claromentis.keycloak.profile;

import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.storage.adapter.AbstractInMemoryUserAdapter;

/** Keycloak's own in-memory user, so the mapper is tested against real {@code UserModel} semantics. */
final class InMemoryUser extends AbstractInMemoryUserAdapter {

    InMemoryUser(String username) {
        super(null, null, "id-" + username);
        setUsername(username);
        setEnabled(true);
    }

    @Override
    public SubjectCredentialManager credentialManager() {
        throw new UnsupportedOperationException("no credentials in mapper tests");
    }
}
