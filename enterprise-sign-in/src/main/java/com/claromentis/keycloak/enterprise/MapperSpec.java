package com.claromentis.keycloak.enterprise;

import java.util.Map;

/**
 * One identity-provider mapper a preset wants on the provider.
 *
 * @param name       the mapper's name when the preset creates it
 * @param type       Keycloak's (or our) mapper type
 * @param matchKey   a config key whose value identifies "the same mapper" among existing ones of that type
 *                   ({@code user.attribute}: the mapper filling the same Keycloak attribute is updated, not doubled),
 *                   or null for the one mapper of that type
 * @param owned      config the preset sets on creation and on every re-application
 */
record MapperSpec(String name, String type, String matchKey, Map<String, String> owned) {

    MapperSpec {
        owned = Map.copyOf(owned);
    }
}
