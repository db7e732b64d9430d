package com.claromentis.keycloak.signin;

import com.claromentis.keycloak.common.LogSafe;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Earlier versions kept the social/enterprise override in the settings of the first-login steps, where only those
 * steps could read it. At start-up each such list is moved onto the providers it names ({@value
 * ProviderSignInSettings#KIND}) and removed from the step, so there is one place that says what a provider is.
 */
public final class LegacyAliasSettings {

    /** Old step setting: aliases to treat as social whatever their type, separated by commas or '##'. */
    public static final String SOCIAL_ALIASES = "claromentis.social.aliases";
    /** Old step setting: aliases to treat as enterprise whatever their type. */
    public static final String ENTERPRISE_ALIASES = "claromentis.enterprise.aliases";

    private static final Logger LOG = Logger.getLogger(LegacyAliasSettings.class);

    private LegacyAliasSettings() {
    }

    /** Moves every old alias list of the realm's step settings onto the providers; returns the providers changed. */
    public static int migrate(KeycloakSession session, RealmModel realm) {
        int changed = 0;
        List<AuthenticatorConfigModel> configs = realm.getAuthenticatorConfigsStream()
                .filter(c -> c.getConfig() != null
                        && (c.getConfig().containsKey(SOCIAL_ALIASES) || c.getConfig().containsKey(ENTERPRISE_ALIASES)))
                .toList();
        for (AuthenticatorConfigModel config : configs) {
            // Enterprise first: the old steps let an enterprise listing win over a social one.
            changed += moveOnto(session, realm, aliases(config.getConfig().get(ENTERPRISE_ALIASES)), LoginKind.ENTERPRISE);
            changed += moveOnto(session, realm, aliases(config.getConfig().get(SOCIAL_ALIASES)), LoginKind.SOCIAL);
            Map<String, String> remaining = new HashMap<>(config.getConfig());
            remaining.remove(SOCIAL_ALIASES);
            remaining.remove(ENTERPRISE_ALIASES);
            config.setConfig(remaining);
            realm.updateAuthenticatorConfig(config);
            LOG.infof("Realm '%s': moved the social/enterprise aliases of step settings '%s' onto the identity providers (%s)",
                    LogSafe.of(realm.getName()), LogSafe.of(config.getAlias()), ProviderSignInSettings.KIND);
        }
        return changed;
    }

    private static int moveOnto(KeycloakSession session, RealmModel realm, Set<String> aliases, LoginKind kind) {
        int changed = 0;
        String value = kind.name().toLowerCase(Locale.ROOT);
        for (String alias : aliases) {
            IdentityProviderModel provider = session.identityProviders().getAllStream()
                    .filter(p -> p.getAlias().equalsIgnoreCase(alias))
                    .findFirst().orElse(null);
            if (provider == null) {
                LOG.warnf("Realm '%s': the old step settings list '%s' as %s, but the realm has no such identity provider",
                        LogSafe.of(realm.getName()), LogSafe.of(alias), value);
                continue;
            }
            ProviderSignInSettings settings = ProviderSignInSettings.of(provider);
            if (settings.kindOverride().isPresent()) {
                if (settings.kindOverride().get() != kind) {
                    LOG.warnf("Realm '%s': identity provider '%s' keeps its own %s=%s; the old step settings said %s",
                            LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()), ProviderSignInSettings.KIND,
                            settings.kindOverride().get().name().toLowerCase(Locale.ROOT), value);
                }
                continue;
            }
            Map<String, String> config = new HashMap<>(provider.getConfig() == null ? Map.of() : provider.getConfig());
            config.put(ProviderSignInSettings.KIND, value);
            provider.setConfig(config);
            session.identityProviders().update(provider);
            changed++;
            LOG.infof("Realm '%s': identity provider '%s' is now marked %s=%s (moved from the old step settings)",
                    LogSafe.of(realm.getName()), LogSafe.of(provider.getAlias()), ProviderSignInSettings.KIND, value);
        }
        return changed;
    }

    static Set<String> aliases(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split("##|,"))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
