package com.claromentis.keycloak.peopleapi;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Scrubs text that came from a server (error bodies, parser messages) before it goes into an exception message or
 * log line: a server that echoes the request must not leak the credentials through us. Known secrets are replaced
 * wherever they appear; credential-shaped fragments are masked even when the value is unknown.
 */
final class Redactor {

    static final int MAX_SNIPPET = 200;
    private static final int MAX_KNOWN = 16;
    private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)\\b(basic|bearer)\\s+[A-Za-z0-9._~+/=\\-]+");
    private static final Pattern CREDENTIAL_FIELD = Pattern.compile(
            "(?i)(\"?(?:access_token|refresh_token|id_token|client_secret|password|authorization)\"?\\s*[:=]\\s*\"?)"
                    + "[^\"&,\\s}]+");

    private final Deque<String> known = new ArrayDeque<>();

    /** Remembers a value that must never be shown; keeps only the most recent few (old tokens age out). */
    synchronized void remember(String secret) {
        if (secret == null || secret.length() < 4 || known.contains(secret)) {
            return;
        }
        known.addFirst(secret);
        while (known.size() > MAX_KNOWN) {
            known.removeLast();
        }
    }

    /** Masks secrets and truncates to about {@value #MAX_SNIPPET} characters. */
    String clean(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        synchronized (this) {
            for (String secret : known) {
                out = out.replace(secret, "***");
            }
        }
        out = AUTH_SCHEME.matcher(out).replaceAll("$1 ***");
        out = CREDENTIAL_FIELD.matcher(out).replaceAll("$1***");
        out = out.replaceAll("[\\r\\n\\t]+", " ").strip();
        if (out.length() > MAX_SNIPPET) {
            out = out.substring(0, MAX_SNIPPET) + "... (" + (out.length() - MAX_SNIPPET) + " more chars)";
        }
        return out;
    }
}
