package com.claromentis.keycloak.directory.preset;

import java.util.Map;

/**
 * One mapper a preset wants on the provider.
 *
 * @param name       the mapper's name when the preset creates it
 * @param providerId Keycloak's (or our) mapper type
 * @param matchKey   a config key whose value identifies "the same mapper" among existing ones of that type (e.g.
 *                   {@code user.model.attribute}, so Keycloak's default "first name" mapper is updated, not doubled),
 *                   or null to match by type and name
 * @param owned      config the preset sets, on creation and on every re-application
 * @param defaults   config set only when the preset creates the mapper (an administrator's later edit stays)
 */
public record MapperSpec(String name, String providerId, String matchKey, Map<String, String> owned,
                         Map<String, String> defaults) {
}
