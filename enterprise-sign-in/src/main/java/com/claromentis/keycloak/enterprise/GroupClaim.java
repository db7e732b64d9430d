package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.common.LogSafe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The group names an identity provider asserted for one sign-in, as this bundle accepts them: the one rule for what a
 * group claim may name. A name is refused when it is empty, breaks {@link ClaimValueRule}, or holds a {@code /}
 * (which would make it a path of several groups); the
 * whole claim is refused when it names more than {@value #MAX_GROUPS} groups (no sign-in needs that many, and each
 * one may create a Keycloak group).
 *
 * @param accepted  the names to hold, sorted, without duplicates; empty when the claim was refused as a whole
 * @param refused   each refused value (as fit for a log line) with the reason
 * @param tooMany   how many values the claim had when it had too many, else 0
 */
record GroupClaim(List<String> accepted, Map<String, String> refused, int tooMany) {

    static final int MAX_GROUPS = 500;
    static final int MAX_NAME_LENGTH = ClaimValueRule.MAX_LENGTH;

    GroupClaim {
        accepted = List.copyOf(accepted);
        refused = Map.copyOf(refused);
    }

    static GroupClaim of(Collection<?> values) {
        if (values.size() > MAX_GROUPS) {
            return new GroupClaim(List.of(), Map.of(), values.size());
        }
        TreeSet<String> accepted = new TreeSet<>();
        Map<String, String> refused = new LinkedHashMap<>();
        for (Object value : values) {
            String text = value == null ? "" : trimSpaces(value.toString());
            String reason = refusal(text);
            if (reason == null) {
                accepted.add(text);
            } else {
                refused.put(LogSafe.of(text), reason);
            }
        }
        return new GroupClaim(new ArrayList<>(accepted), refused, 0);
    }

    boolean refusedWhole() {
        return tooMany > 0;
    }

    /** Only spaces: a trailing line break or control character is refused, not quietly cut off. */
    private static String trimSpaces(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) == ' ') {
            start++;
        }
        while (end > start && value.charAt(end - 1) == ' ') {
            end--;
        }
        return value.substring(start, end);
    }

    private static String refusal(String name) {
        if (name.isEmpty()) {
            return "empty";
        }
        String general = ClaimValueRule.refusal(name);
        if (general != null) {
            return general;
        }
        if (name.indexOf('/') >= 0) {
            return "holds '/'";
        }
        return null;
    }
}
