package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.tenant.EntraAuthority;
import com.claromentis.keycloak.tenant.EntraTenants;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.keycloak.representations.JsonWebToken;

/**
 * Every rule an Entra token's claims are held to, in one place, so the {@code entra-id} provider (browser sign-in
 * and token exchange, through {@link EntraTokenValidator}) and the tenant guard (mapper and authenticator, through
 * {@link EntraTenantGuard}) cannot drift apart. Each rule is written once and used by both entry points:
 * <ul>
 *   <li>{@link #idTokenRefusal}: an ID token of the provider's own tenant and app: every rule.</li>
 *   <li>{@link #tenantRefusal}: a token another provider (built-in {@code microsoft}, generic {@code oidc}) has
 *       already validated for itself: only the tenant rules. It also accepts v1.0 issuers, because the token the
 *       {@code microsoft} provider holds is a Microsoft Graph access token, and Graph's tokens are v1.0.</li>
 * </ul>
 * The order of checks decides which single reason is reported. Pure: no clock, no I/O.
 */
public final class EntraTenantRules {

    public static final String TENANT_ID = "tid";
    public static final String OBJECT_ID = "oid";
    public static final String IDENTITY_PROVIDER = "idp";
    /** Optional Entra claim: 0 for a member of the tenant, 1 for a guest. */
    public static final String ACCOUNT_TYPE = "acct";
    public static final String VERSION = "ver";

    private static final String ISSUER = "iss";
    private static final String V2 = "2.0";
    private static final String V1 = "1.0";

    /** v1.0 tokens are issued by the tenant's STS of its cloud, e.g. {@code https://sts.windows.net/{tid}/}. */
    private static final Set<String> V1_ISSUER_HOSTS = Set.of("sts.windows.net", "sts.chinacloudapi.cn");

    private final String expectedIssuer;
    private final String tenantId;
    private final String clientId;
    private final boolean guestsAllowed;
    private final int clockSkewSeconds;

    /**
     * @param authority        the tenant's cloud; the only issuer accepted is its {@code {authority}/{tid}/v2.0}
     * @param tenantId         the tenant GUID the provider is bound to
     * @param clientId         our app registration's client id: the audience
     * @param guestsAllowed    whether B2B guests of the tenant may sign in
     * @param clockSkewSeconds tolerance for {@code exp}, {@code nbf} and {@code iat}; negative counts as 0
     */
    public EntraTenantRules(EntraAuthority authority, String tenantId, String clientId, boolean guestsAllowed,
                            int clockSkewSeconds) {
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.expectedIssuer = Objects.requireNonNull(authority, "authority").issuer(tenantId);
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.guestsAllowed = guestsAllowed;
        this.clockSkewSeconds = Math.max(0, clockSkewSeconds);
    }

    /**
     * Every rule for an ID token whose signature has already been verified with a key of the tenant.
     *
     * @param typHeader the JOSE header's {@code typ}, null when absent
     * @return the refusal, or empty when the token is accepted
     */
    public Optional<EntraRefusal> idTokenRefusal(String typHeader, JsonWebToken token, long now) {
        // Entra ID tokens say typ JWT (or nothing); at+jwt, logout+jwt and the like are other kinds of token that
        // happen to be signed by the same keys, and must not be taken for a sign-in.
        if (typHeader != null && !typHeader.equalsIgnoreCase("JWT") && !typHeader.equalsIgnoreCase("application/jwt")) {
            return Optional.of(EntraRefusal.UNEXPECTED_TYP);
        }
        Map<String, Object> claims = claimsOf(token);
        // Before any other claim: v1.0 tokens name things differently (issuer, audience as App ID URI, no
        // preferred_username), so the checks below would be reading them with the wrong meaning.
        Optional<EntraRefusal> version = versionRefusal(claims);
        if (version.isPresent()) {
            return version;
        }
        Optional<EntraRefusal> tenant = issuerAndTenantRefusal(claims, Optional.of(tenantId));
        if (tenant.isPresent()) {
            return tenant;
        }
        if (!expectedIssuer.equals(token.getIssuer())) {
            return Optional.of(EntraRefusal.ISSUER_MISMATCH);
        }
        Optional<EntraRefusal> audience = audienceRefusal(token);
        if (audience.isPresent()) {
            return audience;
        }
        Optional<EntraRefusal> time = timeRefusal(token, now);
        if (time.isPresent()) {
            return time;
        }
        Object oid = claims.get(OBJECT_ID);
        if (oid == null) {
            return Optional.of(EntraRefusal.MISSING_OBJECT_ID);
        }
        if (!(oid instanceof String oidValue) || !EntraTenants.isGuid(oidValue)) {
            return Optional.of(EntraRefusal.INVALID_OBJECT_ID);
        }
        return guestRefusal(claims, guestsAllowed);
    }

    /**
     * The tenant rules for a token another provider has validated: {@code iss} present, no template, an Entra
     * issuer (v2.0 or v1.0) naming the same tenant as {@code tid}, {@code tid} the realm's tenant, guests only if
     * allowed.
     *
     * @param claims      the token's claims, {@code iss} included
     * @param realmTenant the realm's Entra tenant; empty refuses every Microsoft sign-in
     */
    public static Optional<EntraRefusal> tenantRefusal(Map<String, Object> claims, Optional<String> realmTenant,
                                                       boolean guestsAllowed) {
        Optional<EntraRefusal> tenant = issuerAndTenantRefusal(claims, realmTenant);
        if (tenant.isPresent()) {
            return tenant;
        }
        String issuer = (String) claims.get(ISSUER);
        if (!tenantOfIssuer(issuer).equals(Optional.of(claims.get(TENANT_ID)))) {
            return Optional.of(EntraRefusal.ISSUER_MISMATCH);
        }
        return guestRefusal(claims, guestsAllowed);
    }

    /** The claims as one map, {@code iss} included, as {@link #tenantRefusal} reads them. */
    public static Map<String, Object> claimsOf(JsonWebToken token) {
        Map<String, Object> claims = new HashMap<>(token.getOtherClaims());
        if (token.getIssuer() != null) {
            claims.put(ISSUER, token.getIssuer());
        }
        return claims;
    }

    /**
     * @return the tenant GUID of an Entra issuer: {@code {authority}/{tid}/v2.0} on a Microsoft authority host (or a
     * loopback test authority), or v1.0's {@code https://{sts or authority host}/{tid}/}; empty for any other shape
     */
    static Optional<String> tenantOfIssuer(String issuer) {
        return issuerOf(issuer).map(EntraIssuer::tenant);
    }

    /** The two shapes of Entra issuer, parsed; anything else (other host, path, port on v1, query...) is none. */
    private static Optional<EntraIssuer> issuerOf(String issuer) {
        if (issuer == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            // What is not a URI is no Entra issuer; the caller refuses it as a mismatch.
            return Optional.empty();
        }
        String host = uri.getHost();
        String path = uri.getRawPath();
        if (host == null || path == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return Optional.empty();
        }
        String[] segments = path.split("/", -1);
        if (segments.length != 3 || !segments[0].isEmpty() || !EntraTenants.isGuid(segments[1])) {
            return Optional.empty();
        }
        if (segments[2].equals("v2.0")) {
            return isAuthorityOrigin(uri) ? Optional.of(new EntraIssuer(segments[1], false)) : Optional.empty();
        }
        String lowerHost = host.toLowerCase(Locale.ROOT);
        boolean v1Host = V1_ISSUER_HOSTS.contains(lowerHost) || EntraTenants.AUTHORITY_HOSTS.contains(lowerHost);
        if (segments[2].isEmpty() && "https".equals(uri.getScheme()) && uri.getPort() == -1 && v1Host) {
            return Optional.of(new EntraIssuer(segments[1], true));
        }
        return Optional.empty();
    }

    private record EntraIssuer(String tenant, boolean v1) {
    }

    /** @return the lower-case host, or "" when there is none */
    private static String hostOf(String url) {
        try {
            String host = new URI(url).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            // No host to name; the issuer rules refuse the value.
            return "";
        }
    }

    private static boolean isAuthorityOrigin(URI issuer) {
        String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
        try {
            return EntraAuthority.parse(origin).base().equals(origin.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // Not a Microsoft authority (nor a loopback test one): the issuer is not Entra's.
            return false;
        }
    }

    private static Optional<EntraRefusal> versionRefusal(Map<String, Object> claims) {
        Object ver = claims.get(VERSION);
        Object iss = claims.get(ISSUER);
        // Any issuer on a v1.0 STS host counts, not only the exact v1.0 shape, so the reason names the version.
        boolean v1Issuer = iss instanceof String issuer
                && (issuerOf(issuer).map(EntraIssuer::v1).orElse(false) || V1_ISSUER_HOSTS.contains(hostOf(issuer)));
        if (V1.equals(ver) || v1Issuer) {
            return Optional.of(EntraRefusal.V1_TOKEN);
        }
        // Entra v2.0 ID tokens always say "2.0"; a token without ver is judged by its issuer alone.
        if (ver != null && !V2.equals(ver)) {
            return Optional.of(EntraRefusal.UNSUPPORTED_TOKEN_VERSION);
        }
        return Optional.empty();
    }

    /** Shared by both entry points, in this order. */
    private static Optional<EntraRefusal> issuerAndTenantRefusal(Map<String, Object> claims, Optional<String> expectedTenant) {
        Object iss = claims.get(ISSUER);
        if (iss == null || iss instanceof String s && s.isEmpty()) {
            return Optional.of(EntraRefusal.MISSING_ISSUER);
        }
        if (!(iss instanceof String issuer)) {
            return Optional.of(EntraRefusal.MALFORMED_TOKEN);
        }
        // The multi-tenant discovery documents publish the literal templates {tenantid} (v2.0) and {tenant}; no
        // real tenant issues a token with braces in its issuer, so any brace is a template, whatever its name.
        if (issuer.indexOf('{') >= 0 || issuer.indexOf('}') >= 0) {
            return Optional.of(EntraRefusal.ISSUER_TEMPLATE);
        }
        Object tid = claims.get(TENANT_ID);
        if (tid == null) {
            return Optional.of(EntraRefusal.MISSING_TENANT);
        }
        if (!(tid instanceof String tenant) || !EntraTenants.isGuid(tenant)) {
            return Optional.of(EntraRefusal.INVALID_TENANT_CLAIM);
        }
        if (tenant.equals(EntraTenants.PERSONAL_ACCOUNT_TENANT)) {
            return Optional.of(EntraRefusal.PERSONAL_ACCOUNT);
        }
        if (expectedTenant.isEmpty()) {
            return Optional.of(EntraRefusal.REALM_TENANT_UNKNOWN);
        }
        if (!tenant.equals(expectedTenant.get())) {
            return Optional.of(EntraRefusal.TENANT_MISMATCH);
        }
        return Optional.empty();
    }

    // OIDC Core 3.1.3.7: aud must contain our client id; with several audiences azp must be present, and whenever
    // azp is present it must be our client id.
    private Optional<EntraRefusal> audienceRefusal(JsonWebToken token) {
        if (!token.hasAudience(clientId)) {
            return Optional.of(EntraRefusal.WRONG_AUDIENCE);
        }
        String azp = token.getIssuedFor();
        if (azp == null && token.getAudience().length > 1) {
            return Optional.of(EntraRefusal.MISSING_AUTHORIZED_PARTY);
        }
        if (azp != null && !azp.equals(clientId)) {
            return Optional.of(EntraRefusal.WRONG_AUTHORIZED_PARTY);
        }
        return Optional.empty();
    }

    private Optional<EntraRefusal> timeRefusal(JsonWebToken token, long now) {
        if (token.getExp() == null) {
            return Optional.of(EntraRefusal.MISSING_EXPIRY);
        }
        if (now > token.getExp() + clockSkewSeconds) {
            return Optional.of(EntraRefusal.EXPIRED);
        }
        if (token.getNbf() != null && now + clockSkewSeconds < token.getNbf()) {
            return Optional.of(EntraRefusal.NOT_YET_VALID);
        }
        // OIDC Core requires iat; one in the future means the signer's clock or ours is wrong, or the token was
        // minted ahead of time to outlive its exp window.
        if (token.getIat() == null) {
            return Optional.of(EntraRefusal.MISSING_ISSUED_AT);
        }
        if (token.getIat() > now + clockSkewSeconds) {
            return Optional.of(EntraRefusal.ISSUED_IN_FUTURE);
        }
        return Optional.empty();
    }

    /**
     * Members carry no {@code idp} or one equal to {@code iss}, and {@code acct} 0 when that optional claim is
     * issued; anything else signed in through another directory (B2B guest, or a personal account invited as one).
     */
    private static Optional<EntraRefusal> guestRefusal(Map<String, Object> claims, boolean guestsAllowed) {
        if (guestsAllowed) {
            return Optional.empty();
        }
        Object acct = claims.get(ACCOUNT_TYPE);
        // Unreadable values count as guest: failing closed costs a member one refused sign-in, not the tenant.
        boolean guestByAccountType = acct != null && !(acct instanceof Number n && n.doubleValue() == 0);
        Object idp = claims.get(IDENTITY_PROVIDER);
        boolean guestByHome = idp != null && !idp.equals(claims.get(ISSUER));
        return guestByAccountType || guestByHome ? Optional.of(EntraRefusal.GUEST_USER) : Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntraTenantRules other && expectedIssuer.equals(other.expectedIssuer)
                && tenantId.equals(other.tenantId) && clientId.equals(other.clientId)
                && guestsAllowed == other.guestsAllowed && clockSkewSeconds == other.clockSkewSeconds;
    }

    @Override
    public int hashCode() {
        return Objects.hash(expectedIssuer, tenantId, clientId, guestsAllowed, clockSkewSeconds);
    }
}
