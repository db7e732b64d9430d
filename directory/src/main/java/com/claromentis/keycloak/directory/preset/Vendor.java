package com.claromentis.keycloak.directory.preset;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The directories a preset exists for, by the name used in the REST path. */
public enum Vendor {
    AD("ad"),
    EDIRECTORY("edirectory"),
    OPENLDAP("openldap");

    private final String pathName;

    Vendor(String pathName) {
        this.pathName = pathName;
    }

    public String pathName() {
        return pathName;
    }

    public static Optional<Vendor> fromPath(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(v -> v.pathName.equals(wanted)).findFirst();
    }
}
