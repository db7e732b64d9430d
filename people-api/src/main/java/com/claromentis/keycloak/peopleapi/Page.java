package com.claromentis.keycloak.peopleapi;

import java.util.List;
import java.util.Optional;

/**
 * One page of a list answer.
 *
 * @param total the size of the whole filtered list as the server reported it, or -1 when it did not
 * @param prev  the server's full URL of the previous page, or null
 * @param next  the server's full URL of the next page, or null on the last page
 */
public record Page<T>(List<T> items, int offset, int limit, int total, String prev, String next) {

    public Page {
        items = List.copyOf(items);
    }

    public boolean hasNext() {
        return next != null;
    }

    public Optional<String> nextUrl() {
        return Optional.ofNullable(next);
    }
}
