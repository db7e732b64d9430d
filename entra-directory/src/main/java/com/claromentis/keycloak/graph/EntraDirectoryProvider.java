package com.claromentis.keycloak.graph;

import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.user.ImportedUserValidation;
import org.keycloak.storage.user.UserLookupProvider;

/**
 * Users imported from Entra by the sync. Keycloak finds them in its own store; they sign in through the realm's
 * {@code entra-id} provider (linked by object id), never with a password here, so this provider checks no credential
 * and looks nobody up in Graph at sign-in: a sign-in never waits for Graph.
 */
final class EntraDirectoryProvider implements UserStorageProvider, UserLookupProvider, ImportedUserValidation {

    EntraDirectoryProvider() {
    }

    @Override
    public UserModel validate(RealmModel realm, UserModel user) {
        // Kept in step by the syncs; a user removed from Entra is disabled by them, not here.
        return user;
    }

    @Override
    public UserModel getUserById(RealmModel realm, String id) {
        return null;
    }

    @Override
    public UserModel getUserByUsername(RealmModel realm, String username) {
        return null;
    }

    @Override
    public UserModel getUserByEmail(RealmModel realm, String email) {
        return null;
    }

    @Override
    public void close() {
    }
}
