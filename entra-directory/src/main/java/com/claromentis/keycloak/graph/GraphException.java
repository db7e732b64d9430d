package com.claromentis.keycloak.graph;

/**
 * A Microsoft Graph (or token endpoint) answer a sync cannot use. The message names the request and what came back,
 * never a token, secret or query string.
 */
final class GraphException extends RuntimeException {

    enum Kind {
        /** Network failure, 5xx or throttling that outlasted the retries. */
        UNAVAILABLE,
        /** The token endpoint refused the app's credentials, or Graph refused the token. */
        UNAUTHORIZED,
        /** The app lacks a permission (no admin consent for User.Read.All / GroupMember.Read.All). */
        FORBIDDEN,
        NOT_FOUND,
        /** The stored delta link is no longer valid: the next sync must read everything again. */
        RESYNC_REQUIRED,
        /** A body that is not the JSON Graph documents, or a link that leaves the Graph host. */
        MALFORMED
    }

    private final Kind kind;

    GraphException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    GraphException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
