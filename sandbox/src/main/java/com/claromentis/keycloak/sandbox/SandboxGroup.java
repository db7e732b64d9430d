package com.claromentis.keycloak.sandbox;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** A stored group or role with its member user ids; immutable like {@link SandboxUser}. */
public record SandboxGroup(long id, String name, Set<Long> members) {

    public SandboxGroup {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        members = Collections.unmodifiableSet(new LinkedHashSet<>(members));
    }
}
