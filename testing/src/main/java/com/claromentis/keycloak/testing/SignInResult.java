package com.claromentis.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.Base64;
import java.util.List;

/**
 * What a person ended with after signing in: the realm's tokens, or the page that stopped them.
 *
 * @param visited every URL the browser was sent to, for assertions on where a provider sent the user
 */
public record SignInResult(boolean succeeded, int status, String page, String error, JsonNode tokens, List<URI> visited) {

    static SignInResult success(JsonNode tokens, List<URI> visited) {
        return new SignInResult(true, 200, "", "", tokens, List.copyOf(visited));
    }

    static SignInResult refused(int status, String page, String error, List<URI> visited) {
        return new SignInResult(false, status, page, error, null, List.copyOf(visited));
    }

    /** Claims of the realm's ID token, decoded without verification: the server issued it to us over loopback. */
    public JsonNode idTokenClaims() {
        if (tokens == null) {
            throw new IllegalStateException("Sign-in failed: " + describe());
        }
        String[] parts = tokens.path("id_token").asText().split("\\.");
        if (parts.length < 2) {
            throw new IllegalStateException("No ID token in the token response");
        }
        return Browser.json(new String(Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A short description for assertion messages: status, extracted error and the last URL, never tokens. */
    public String describe() {
        return "status " + status + ", error '" + error + "', last URL "
                + (visited.isEmpty() ? "-" : visited.get(visited.size() - 1).getPath());
    }
}
