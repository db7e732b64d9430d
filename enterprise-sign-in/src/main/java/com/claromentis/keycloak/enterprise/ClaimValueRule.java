package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.common.LogSafe;

/**
 * The one rule for what a value an identity provider asserts may hold before it reaches a Keycloak user (and from
 * there Claromentis): at most {@value #MAX_LENGTH} characters, no control or line-breaking character (which would
 * forge lines in logs and exports) and no markup ({@code <} or {@code >}, which no name, title or group needs).
 */
final class ClaimValueRule {

    static final int MAX_LENGTH = 255;

    private ClaimValueRule() {
    }

    /** Why {@code value} is refused, or null when it is fine. */
    static String refusal(String value) {
        if (value.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (LogSafe.hasControlCharacters(value)) {
            return "holds a control or line-breaking character";
        }
        if (value.indexOf('<') >= 0 || value.indexOf('>') >= 0) {
            return "holds markup";
        }
        return null;
    }
}
