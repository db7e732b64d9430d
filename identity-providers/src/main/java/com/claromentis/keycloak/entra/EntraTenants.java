package com.claromentis.keycloak.entra;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What counts as an Entra tenant id, which tenants a realm may never be bound to, and which hosts are Microsoft
 * authorities. Kept in one place so the provider, its configuration and the tenant guard agree.
 */
public final class EntraTenants {

    /** Personal Microsoft accounts all sign in through this tenant, so it identifies no organisation. */
    public static final String PERSONAL_ACCOUNT_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

    /** Realm attribute that shows, in one place, the only Entra tenant the realm accepts. */
    public static final String REALM_TENANT_ATTRIBUTE = "claromentis.entra.tenant";

    // Lower case only: Entra always emits lower-case GUIDs, and accepting other spellings would let a token
    // carry a tenant that compares unequal to ours while looking the same to an admin reading logs.
    private static final Pattern GUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");

    private static final Map<String, String> MULTI_TENANT_ALIASES = Map.of(
            "common", "'common' admits any work, school or personal Microsoft account",
            "organizations", "'organizations' admits any work or school tenant",
            "consumers", "'consumers' admits personal Microsoft accounts only",
            PERSONAL_ACCOUNT_TENANT, "it is the shared tenant of personal Microsoft accounts");

    /** Global, US Government and China (21Vianet) clouds; any other host is refused rather than trusted. */
    public static final Set<String> AUTHORITY_HOSTS = Set.of(
            "login.microsoftonline.com",
            "login.microsoft.com",
            "login.microsoftonline.us",
            "login.partner.microsoftonline.cn",
            "login.chinacloudapi.cn");

    // Broader than AUTHORITY_HOSTS: used only to recognise that a foreign provider talks to Microsoft,
    // never to decide that a host is trusted.
    private static final Set<String> MICROSOFT_HOST_SUFFIXES = Set.of(
            "microsoftonline.com", "microsoftonline.us", "microsoftonline.cn", "microsoft.com",
            "windows.net", "chinacloudapi.cn", "b2clogin.com", "ciamlogin.com");

    private EntraTenants() {
    }

    public static boolean isGuid(String value) {
        return value != null && GUID.matcher(value).matches();
    }

    public static boolean isDomain(String value) {
        return value != null && DOMAIN.matcher(value).matches();
    }

    /** @return why the tenant can never be a realm's tenant, or empty if it may be. */
    public static Optional<String> refusalReason(String tenant) {
        if (tenant == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(MULTI_TENANT_ALIASES.get(tenant.trim().toLowerCase(Locale.ROOT)));
    }

    public static boolean isMicrosoftHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String suffix : MICROSOFT_HOST_SUFFIXES) {
            if (h.equals(suffix) || h.endsWith("." + suffix)) {
                return true;
            }
        }
        return false;
    }
}
