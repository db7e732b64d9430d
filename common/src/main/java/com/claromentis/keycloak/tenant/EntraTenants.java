package com.claromentis.keycloak.tenant;

import java.io.IOException;
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

    /**
     * Normalises what an administrator entered as a tenant: a GUID is taken as it is, a verified domain is resolved
     * to its GUID through the authority's discovery document, and the multi-tenant aliases and the personal-account
     * tenant are refused. Every provider bound to a tenant (sign-in and directory sync) saves through this.
     *
     * @throws IllegalArgumentException with a message fit for the admin console
     */
    public static String resolve(String input, EntraAuthority authority, TenantLookup lookup) {
        String tenant = input == null ? "" : input.trim().toLowerCase(Locale.ROOT);
        if (tenant.isEmpty()) {
            throw new IllegalArgumentException("Tenant is required: enter the Directory (tenant) ID or a verified domain");
        }
        refusalReason(tenant).ifPresent(why -> {
            throw new IllegalArgumentException("Tenant '" + tenant + "' is refused because " + why
                    + "; a realm must be bound to exactly one organisation's tenant ID");
        });
        if (isGuid(tenant)) {
            return tenant;
        }
        if (!isDomain(tenant)) {
            throw new IllegalArgumentException("Tenant must be a Directory (tenant) ID such as "
                    + "00000000-0000-0000-0000-000000000000 or a verified domain such as contoso.onmicrosoft.com");
        }
        String issuer;
        try {
            issuer = lookup.issuerOf(authority.discoveryDocument(tenant));
        } catch (IOException e) {
            throw new IllegalArgumentException("Could not resolve domain '" + tenant + "' to a tenant ID at "
                    + authority.base() + ": " + e.getMessage(), e);
        }
        String resolved = tenantOfIssuer(issuer, authority);
        if (resolved == null) {
            throw new IllegalArgumentException("Domain '" + tenant + "' did not resolve to a single tenant at "
                    + authority.base() + "; enter the Directory (tenant) ID instead");
        }
        refusalReason(resolved).ifPresent(why -> {
            throw new IllegalArgumentException("Domain '" + tenant + "' resolves to a refused tenant because " + why);
        });
        return resolved;
    }

    /** @return the GUID in {@code {authority}/{guid}/v2.0}, or null if the issuer has any other shape */
    public static String tenantOfIssuer(String issuer, EntraAuthority authority) {
        String prefix = authority.base() + "/";
        String suffix = "/v2.0";
        if (issuer == null || !issuer.startsWith(prefix) || !issuer.endsWith(suffix)) {
            return null;
        }
        String middle = issuer.substring(prefix.length(), issuer.length() - suffix.length());
        return isGuid(middle) ? middle : null;
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
