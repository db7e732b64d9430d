package com.claromentis.keycloak.directory.sync;

import com.claromentis.keycloak.directory.manager.ManagerReference;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import org.keycloak.models.UserModel;

import javax.naming.ldap.Rdn;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The directory groups an LDAP user was read in (their {@code memberOf}, or eDirectory's {@code groupMembership}),
 * kept on the Keycloak user as normalised DNs so a change of membership alone is noticed, and so the users of a
 * changed group are found again in Keycloak after they left it.
 */
final class DirectoryGroups {

    /** More groups than this on one user is not a membership list but a broken or hostile entry; the rest is ignored. */
    static final int MAX_GROUPS = 2_000;

    private DirectoryGroups() {
    }

    /**
     * A DN in one spelling whatever the server's (attribute types and values in lower case, values escaped as RFC
     * 4514 says), or null when the text is not a DN.
     */
    static String normalize(String dn) {
        if (dn == null || dn.length() > 1024) {
            return null;
        }
        return ManagerReference.parse(dn).map(name -> {
            List<Rdn> rdns = name.getRdns();
            StringBuilder out = new StringBuilder();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                Rdn rdn = rdns.get(i);
                if (out.length() > 0) {
                    out.append(',');
                }
                out.append(rdn.getType().toLowerCase(Locale.ROOT)).append('=')
                        .append(Rdn.escapeValue(rdn.getValue()).toLowerCase(Locale.ROOT));
            }
            return out.toString();
        }).orElse(null);
    }

    /** The normalised, sorted group DNs of {@code values}; values that are not DNs are left out. */
    static List<String> of(Collection<String> values) {
        TreeSet<String> groups = new TreeSet<>();
        if (values != null) {
            for (String value : values) {
                String dn = normalize(value);
                if (dn != null) {
                    groups.add(dn);
                    if (groups.size() == MAX_GROUPS) {
                        break;
                    }
                }
            }
        }
        return new ArrayList<>(groups);
    }

    /**
     * Writes {@code groups} on {@code user} when they differ from what it holds.
     *
     * @return whether anything was written
     */
    static boolean record(UserModel user, List<String> groups) {
        List<String> current = user.getAttributeStream(ClaromentisProfile.DIRECTORY_GROUPS).sorted().toList();
        if (current.equals(groups)) {
            return false;
        }
        if (groups.isEmpty()) {
            user.removeAttribute(ClaromentisProfile.DIRECTORY_GROUPS);
        } else {
            user.setAttribute(ClaromentisProfile.DIRECTORY_GROUPS, groups);
        }
        return true;
    }
}
