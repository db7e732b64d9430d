package com.claromentis.keycloak.directory.preset;

import com.claromentis.keycloak.connection.ComponentSettings;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Desktop sign-in with the Windows logon's Kerberos ticket (SPNEGO), as the Active Directory preset switches it on:
 * Keycloak's own Kerberos support on the LDAP provider, given the service principal, its keytab and the users'
 * Kerberos realm. Password sign-in through LDAP stays for browsers without a ticket.
 *
 * @param servicePrincipal {@code HTTP/<the host name browsers use for Keycloak>@<REALM>}
 * @param keytab           absolute path of the keytab holding the principal's keys, readable by Keycloak
 * @param realm            the users' Kerberos realm (the AD domain in capitals); the principal's realm by default
 */
record KerberosPreset(String servicePrincipal, String keytab, String realm) {

    /** Browsers ask for {@code HTTP/<host>}; the realm part is a DNS-style name in capitals, as AD has it. */
    private static final Pattern PRINCIPAL = Pattern.compile("HTTP/([A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*)@([A-Z0-9][A-Z0-9.-]{0,252})");
    private static final Pattern REALM = Pattern.compile("[A-Z0-9][A-Z0-9.-]{0,252}");

    /**
     * The Kerberos settings an administrator gave, or empty when they gave none.
     *
     * @throws IllegalArgumentException with the setting named, when a value is malformed, the keytab cannot be read
     *                                  here, or the vendor is not Active Directory
     */
    static Optional<KerberosPreset> of(Vendor vendor, String principal, String keytab, String realm) {
        boolean none = blank(principal) && blank(keytab) && blank(realm);
        if (none) {
            return Optional.empty();
        }
        if (vendor != Vendor.AD) {
            throw new IllegalArgumentException("Kerberos sign-in is part of the ad preset (Active Directory's KDC)");
        }
        if (blank(principal) || blank(keytab)) {
            throw new IllegalArgumentException("Kerberos sign-in needs both the service principal "
                    + "(HTTP/<keycloak host>@<REALM>) and the keytab path");
        }
        String p = principal.trim();
        var matcher = PRINCIPAL.matcher(p);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("The Kerberos service principal must read HTTP/<host>@<REALM> (service "
                    + "HTTP in capitals, the host browsers use for Keycloak, the realm in capitals), not '"
                    + ComponentSettings.abbreviate(p) + "'");
        }
        String r = blank(realm) ? matcher.group(5) : realm.trim();
        if (!REALM.matcher(r).matches()) {
            throw new IllegalArgumentException("The Kerberos realm must be the domain's realm in capitals (e.g. "
                    + "EXAMPLE.COM), not '" + ComponentSettings.abbreviate(r) + "'");
        }
        return Optional.of(new KerberosPreset(p, readableKeytab(keytab.trim()), r));
    }

    /** What the preset sets on the LDAP provider; Keycloak then makes its Kerberos step an alternative of the browser flow. */
    Map<String, String> providerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("allowKerberosAuthentication", "true");
        config.put("kerberosRealm", realm);
        config.put("serverPrincipal", servicePrincipal);
        config.put("keyTab", keytab);
        // Passwords are checked by an LDAP bind, as without Kerberos: the keytab serves browsers' tickets only.
        config.put("useKerberosForPasswordAuthentication", "false");
        return config;
    }

    private static String readableKeytab(String value) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("The keytab path is not a file path: '" + ComponentSettings.abbreviate(value) + "'");
        }
        if (!path.isAbsolute() || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("The keytab path must be an absolute path, not '"
                    + ComponentSettings.abbreviate(value) + "'");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("Keycloak cannot read the keytab " + ComponentSettings.abbreviate(value)
                    + " on this node: export it (ktpass or samba-tool domain exportkeytab) to that path on every "
                    + "Keycloak node, readable by the user Keycloak runs as");
        }
        return value;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
