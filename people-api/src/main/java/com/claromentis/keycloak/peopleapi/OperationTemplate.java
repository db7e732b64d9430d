package com.claromentis.keycloak.peopleapi;

import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * The bounded operation label of a request (see {@link RequestListener}): numeric path segments become {@code {id}},
 * and only the paths of the People API's contract are named, so no id, username or stray path ever reaches a label.
 */
final class OperationTemplate {

    static final String TOKEN = "POST token";
    static final String OTHER = "other";

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE");
    private static final Set<String> PATHS = Set.of(
            "/users", "/users/{id}", "/users/{id}/manager", "/users/{id}/groups", "/users/{id}/roles",
            "/groups", "/groups/{id}", "/groups/{id}/users",
            "/roles", "/roles/{id}", "/roles/{id}/users");

    private OperationTemplate() {
    }

    /** {@code GET /users/{id}} for {@code GET <apiBase>users/42}; {@link #OTHER} for anything off the contract. */
    static String of(String method, HttpUrl apiBase, HttpUrl url) {
        List<String> base = withoutEmptyLast(apiBase.pathSegments());
        List<String> path = withoutEmptyLast(url.pathSegments());
        if (!METHODS.contains(method) || !sameOrigin(apiBase, url) || path.size() <= base.size()
                || !path.subList(0, base.size()).equals(base)) {
            return OTHER;
        }
        StringBuilder template = new StringBuilder();
        for (String segment : path.subList(base.size(), path.size())) {
            template.append('/').append(isId(segment) ? "{id}" : segment);
        }
        String candidate = template.toString();
        return PATHS.contains(candidate) ? method + " " + candidate : OTHER;
    }

    private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
        return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
    }

    private static boolean isId(String segment) {
        return !segment.isEmpty() && segment.length() <= 19 && segment.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static List<String> withoutEmptyLast(List<String> segments) {
        return !segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()
                ? segments.subList(0, segments.size() - 1) : segments;
    }
}
