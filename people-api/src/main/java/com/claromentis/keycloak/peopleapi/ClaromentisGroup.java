package com.claromentis.keycloak.peopleapi;

import java.util.Objects;

/** A Claromentis group or role: both are a numeric id and a name. */
public record ClaromentisGroup(long id, String name, Kind kind) {

    /** Which collection the entry belongs to; also its path under the API base. */
    public enum Kind {
        GROUP("groups"), ROLE("roles");

        private final String path;

        Kind(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    public ClaromentisGroup {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        Objects.requireNonNull(kind, "kind");
    }
}
