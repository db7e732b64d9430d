package com.claromentis.keycloak.directory.sync;

import java.util.Optional;

/**
 * Which of Keycloak's LDAP syncs is calling a mapper's {@code syncDataFromFederationProviderToKeycloak}. Keycloak
 * calls it at the start of both the full and the changed-users sync (and from the mapper's own sync action) without
 * saying which, so it is read from the calling thread: {@code LDAPStorageProviderFactory.sync} for a full sync,
 * {@code syncSince} for a changed one. Proven on Keycloak 26.7.0 and 26.7.3 by the directory sync tests.
 */
enum SyncKind {
    FULL, CHANGED, MAPPER_ACTION;

    private static final String FACTORY_PACKAGE = "org.keycloak.storage.ldap.";

    static SyncKind current() {
        Optional<SyncKind> kind = StackWalker.getInstance().walk(frames -> frames
                .filter(frame -> frame.getClassName().startsWith(FACTORY_PACKAGE)
                        && frame.getClassName().endsWith("StorageProviderFactory"))
                .map(frame -> switch (frame.getMethodName()) {
                    case "sync" -> FULL;
                    case "syncSince" -> CHANGED;
                    default -> null;
                })
                .filter(java.util.Objects::nonNull)
                .findFirst());
        return kind.orElse(MAPPER_ACTION);
    }
}
