package com.claromentis.keycloak.directory.preset;

import java.util.List;
import java.util.Optional;

/**
 * What an administrator asks of a preset, from the admin REST call or the console's preset mapper.
 *
 * @param groupsDn   where the directory's groups are, or null for the earlier preset's value (else the users DN)
 * @param syncGroups DNs of the groups whose members alone become users, or empty to leave the provider's filter
 * @param rolesDn    where the directory's role groups are, or null to leave the roles setting as it is
 * @param kerberos   desktop sign-in with Kerberos tickets (Active Directory only), or empty to leave it as it is
 */
record PresetRequest(Vendor vendor, String groupsDn, List<String> syncGroups, String rolesDn,
                     Optional<KerberosPreset> kerberos) {

    /**
     * Checks every value before anything is written.
     *
     * @throws IllegalArgumentException naming the setting, when a value is malformed
     */
    static PresetRequest of(Vendor vendor, String groupsDn, List<String> syncGroups, String rolesDn,
                            String kerberosPrincipal, String keytab, String kerberosRealm) {
        List<String> groups = syncGroups == null ? List.of() : List.copyOf(syncGroups);
        if (!groups.isEmpty()) {
            VendorPreset.syncGroupsFilter(vendor, groups);
        }
        return new PresetRequest(vendor, groupsDn, groups, VendorPreset.rolesDn(rolesDn),
                KerberosPreset.of(vendor, kerberosPrincipal, keytab, kerberosRealm));
    }
}
