package com.claromentis.keycloak.testing.directory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the directory fixtures keep their servers' files: under the build's {@code target/}, fresh each run. */
final class Workspace {

    /** Overrides the root, e.g. {@code -Dit.directory.work.dir=/tmp/dirs}; relative paths start at the module. */
    static final String WORK_DIR_PROPERTY = "it.directory.work.dir";

    private Workspace() {
    }

    static Path root() {
        Path root = Path.of(System.getProperty(WORK_DIR_PROPERTY, "target/directories")).toAbsolutePath().normalize();
        try {
            return Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory fixtures' folder " + root, e);
        }
    }

    /** An emptied folder {@code name} under the root. */
    static Path fresh(String name) {
        Path dir = root().resolve(name);
        try {
            if (Files.exists(dir)) {
                com.claromentis.keycloak.testing.KeycloakServer.deleteTree(dir);
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + dir, e);
        }
    }
}
