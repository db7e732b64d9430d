package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import org.jboss.logging.Logger;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Puts an {@link EnterprisePreset} on one identity provider, or says what it would change. Idempotent: a value
 * already as the preset wants is not written, so applying twice changes nothing the second time. Existing mappers
 * are updated in place (an attribute importer is "the same" when it fills the same Keycloak attribute), so an
 * administrator's own mappers, and settings the preset does not own, are left alone. The result names only the
 * settings the preset owns, never the provider's secrets.
 */
final class PresetApplier {

    private static final Logger LOG = Logger.getLogger(PresetApplier.class);

    private final KeycloakSession session;
    private final RealmModel realm;
    private final IdentityProviderModel provider;
    private final Protocol protocol;

    private PresetApplier(KeycloakSession session, RealmModel realm, IdentityProviderModel provider, Protocol protocol) {
        this.session = session;
        this.realm = realm;
        this.provider = provider;
        this.protocol = protocol;
    }

    /** The session realm's provider {@code alias}, or empty when there is none. */
    static Optional<IdentityProviderModel> provider(KeycloakSession session, String alias) {
        return alias == null || alias.isBlank() ? Optional.empty()
                : Optional.ofNullable(session.identityProviders().getByAlias(alias));
    }

    /**
     * @throws IllegalArgumentException when the provider is not a SAML 2.0 or OpenID Connect provider
     */
    static PresetApplier forProvider(KeycloakSession session, RealmModel realm, IdentityProviderModel provider) {
        Protocol protocol = Protocol.of(provider.getProviderId()).orElseThrow(() -> new IllegalArgumentException(
                "Identity provider '" + LogSafe.of(provider.getAlias()) + "' is of type '"
                        + LogSafe.of(provider.getProviderId()) + "': vendor presets are for SAML 2.0 (saml) and "
                        + "OpenID Connect (oidc, keycloak-oidc) providers"));
        return new PresetApplier(session, realm, provider, protocol);
    }

    /**
     * Why the preset cannot be applied as things are, or empty: a SAML provider that would check signatures
     * without the vendor's certificate refuses every sign-in, and a parent group granting administration must not
     * receive the vendor's groups.
     */
    Optional<String> refusal() {
        if (protocol == Protocol.SAML && !hasSigningCertificate()) {
            return Optional.of("Identity provider '" + LogSafe.of(provider.getAlias()) + "' has no signing "
                    + "certificate of the identity provider, and the preset makes Keycloak check every assertion's "
                    + "signature: import the vendor's metadata first (the provider's 'SAML entity descriptor' / "
                    + "Import from URL), then apply the preset");
        }
        return new ProviderGroups(session, realm, provider).refusal();
    }

    /** Applies the vendor's preset (or, when {@code apply} is false, says what it would change). */
    Map<String, Object> run(SignInVendor vendor, boolean apply) {
        EnterprisePreset preset = EnterprisePreset.of(vendor, protocol);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vendor", vendor.pathName());
        out.put("identityProvider", provider.getAlias());
        out.put("protocol", protocol.name().toLowerCase(java.util.Locale.ROOT));
        out.put("applied", apply);
        out.put("groupsPath", new ProviderGroups(session, realm, provider).path());

        Map<String, String> providerChanges = changes(provider.getConfig(), preset.providerConfig());
        out.put("provider", Map.of("config", preset.providerConfig(),
                "action", providerChanges.isEmpty() ? "unchanged" : "update"));

        List<IdentityProviderMapperModel> existing = session.identityProviders()
                .getMappersByAliasStream(provider.getAlias()).toList();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Runnable> writes = new ArrayList<>();
        for (MapperSpec spec : preset.mappers()) {
            Optional<IdentityProviderMapperModel> found = existing.stream().filter(m -> matches(m, spec)).findFirst();
            Map<String, String> delta = found.map(m -> changes(m.getConfig(), spec.owned())).orElse(spec.owned());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", found.map(IdentityProviderMapperModel::getName).orElse(spec.name()));
            row.put("type", spec.type());
            row.put("action", found.isEmpty() ? "create" : delta.isEmpty() ? "unchanged" : "update");
            row.put("config", spec.owned());
            rows.add(row);
            if (found.isEmpty()) {
                writes.add(() -> create(spec));
            } else if (!delta.isEmpty()) {
                writes.add(() -> update(found.get(), delta));
            }
        }
        out.put("mappers", rows);
        if (apply) {
            refusal().ifPresent(reason -> {
                throw new Refused(reason);
            });
            ClaromentisProfile.declare(session);
            new ProviderGroups(session, realm, provider).ensureParent();
            if (!providerChanges.isEmpty()) {
                provider.getConfig().putAll(providerChanges);
                session.identityProviders().update(provider);
            }
            writes.forEach(Runnable::run);
            LOG.infof("Applied the %s preset to identity provider '%s' of realm %s: %d mapper change(s)%s",
                    vendor.pathName(), LogSafe.of(provider.getAlias()), realm.getName(), writes.size(),
                    providerChanges.isEmpty() ? "" : " and provider settings " + providerChanges.keySet());
        } else {
            refusal().ifPresent(reason -> out.put("refusal", reason));
        }
        return out;
    }

    private boolean hasSigningCertificate() {
        Map<String, String> config = provider.getConfig();
        String certificate = config.get(EnterprisePreset.SIGNING_CERTIFICATE);
        String metadataUrl = config.get(EnterprisePreset.METADATA_URL);
        return (certificate != null && !certificate.isBlank())
                || (Boolean.parseBoolean(config.get(EnterprisePreset.USE_METADATA_URL))
                    && metadataUrl != null && !metadataUrl.isBlank());
    }

    private static boolean matches(IdentityProviderMapperModel mapper, MapperSpec spec) {
        if (!spec.type().equals(mapper.getIdentityProviderMapper())) {
            return false;
        }
        if (spec.matchKey() == null) {
            return true;
        }
        String value = mapper.getConfig() == null ? null : mapper.getConfig().get(spec.matchKey());
        return value != null && value.equals(spec.owned().get(spec.matchKey()));
    }

    private static Map<String, String> changes(Map<String, String> current, Map<String, String> wanted) {
        Map<String, String> delta = new LinkedHashMap<>();
        wanted.forEach((key, value) -> {
            if (current == null || !Objects.equals(current.get(key), value)) {
                delta.put(key, value);
            }
        });
        return delta;
    }

    private void create(MapperSpec spec) {
        IdentityProviderMapperModel mapper = new IdentityProviderMapperModel();
        mapper.setName(uniqueName(spec.name()));
        mapper.setIdentityProviderAlias(provider.getAlias());
        mapper.setIdentityProviderMapper(spec.type());
        mapper.setConfig(new HashMap<>(spec.owned()));
        session.identityProviders().createMapper(mapper);
    }

    /** The name, or the name with the vendor's suffix when an administrator's own mapper already has it. */
    private String uniqueName(String name) {
        String candidate = name;
        for (int i = 2; session.identityProviders().getMapperByName(provider.getAlias(), candidate) != null; i++) {
            candidate = name + " (" + i + ")";
        }
        return candidate;
    }

    private void update(IdentityProviderMapperModel mapper, Map<String, String> delta) {
        Map<String, String> config = new HashMap<>(mapper.getConfig() == null ? Map.of() : mapper.getConfig());
        config.putAll(delta);
        mapper.setConfig(config);
        session.identityProviders().updateMapper(mapper);
    }

    /** The preset cannot be applied as things are; the message says why and what to do. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
