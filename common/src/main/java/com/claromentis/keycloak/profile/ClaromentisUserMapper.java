package com.claromentis.keycloak.profile;

import com.claromentis.keycloak.peopleapi.ClaromentisUser;
import org.keycloak.models.UserModel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Copies a Claromentis user onto a Keycloak user and reads one back: the single place where the Claromentis
 * user model meets Keycloak's.
 */
public final class ClaromentisUserMapper {

    private ClaromentisUserMapper() {
    }

    /**
     * Writes the Claromentis fields onto a Keycloak user, touching only what differs.
     *
     * @return whether anything changed
     */
    public static boolean apply(ClaromentisUser source, UserModel target) {
        boolean changed = false;
        if (!Objects.equals(blankToNull(target.getFirstName()), blankToNull(source.firstName()))) {
            target.setFirstName(source.firstName());
            changed = true;
        }
        if (!Objects.equals(blankToNull(target.getLastName()), blankToNull(source.surname()))) {
            target.setLastName(source.surname());
            changed = true;
        }
        String email = source.email() == null ? null : source.email().trim().toLowerCase(java.util.Locale.ROOT);
        if (!Objects.equals(blankToNull(target.getEmail()), blankToNull(email))) {
            target.setEmail(blankToNull(email));
            changed = true;
            if (target.isEmailVerified()) {
                // The People API says nothing about verification: a new address is not one anybody verified.
                target.setEmailVerified(false);
            }
        }
        boolean enabled = source.active() && !isLockedOut(target);
        if (target.isEnabled() != enabled) {
            target.setEnabled(enabled);
            changed = true;
        }
        for (Map.Entry<String, String> attribute : attributes(source).entrySet()) {
            changed |= setAttribute(target, attribute.getKey(), attribute.getValue());
        }
        return changed;
    }

    /**
     * Whether Keycloak's brute-force protection locked the user out for good. Keycloak keeps that state as "disabled"
     * plus a reason; Claromentis saying the person is active must not lift it, only an administrator does.
     */
    public static boolean isLockedOut(UserModel user) {
        return !user.isEnabled() && PERMANENT_LOCKOUT.equals(user.getFirstAttribute(UserModel.DISABLED_REASON));
    }

    /** The value of {@link UserModel#DISABLED_REASON} Keycloak's brute-force protector sets (BruteForceProtector). */
    public static final String PERMANENT_LOCKOUT = "permanentLockout";

    /** The Claromentis attributes of a user, keyed by Keycloak attribute name; null values mean absent. */
    public static Map<String, String> attributes(ClaromentisUser user) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(ClaromentisProfile.JOB_TITLE, user.jobTitle());
        attributes.put(ClaromentisProfile.OFFICE, user.officeLocation());
        attributes.put(ClaromentisProfile.DEPARTMENT, user.department());
        attributes.put(ClaromentisProfile.PHONE, user.phone());
        // The username of the manager is not in the list payload; keep what an earlier detailed read found.
        if (user.managerUsername() != null || user.managerId() == null) {
            attributes.put(ClaromentisProfile.MANAGER, user.managerUsername());
        }
        attributes.put(ClaromentisProfile.EXTERNAL_ID, user.externalId());
        attributes.put(ClaromentisProfile.CLAROMENTIS_ID, user.id() == null ? null : Long.toString(user.id()));
        return attributes;
    }

    /** The Claromentis user a Keycloak user describes, for write-back of a new user. */
    public static ClaromentisUser fromKeycloak(UserModel user) {
        return onto(ClaromentisUser.builder(user.getUsername()), user);
    }

    /**
     * {@code current} with the fields Keycloak may edit replaced by the Keycloak user's values; the manager and
     * anything else Keycloak does not hold stay as Claromentis has them.
     */
    public static ClaromentisUser merge(ClaromentisUser current, UserModel user) {
        return onto(current.toBuilder(), user);
    }

    private static ClaromentisUser onto(ClaromentisUser.Builder builder, UserModel user) {
        // Blank means "no value" in Keycloak's forms; send it as absent so Claromentis clears the field.
        return builder
                .firstName(blankToNull(user.getFirstName()))
                .surname(blankToNull(user.getLastName()))
                .email(blankToNull(user.getEmail()))
                .phone(blankToNull(user.getFirstAttribute(ClaromentisProfile.PHONE)))
                .jobTitle(blankToNull(user.getFirstAttribute(ClaromentisProfile.JOB_TITLE)))
                .officeLocation(blankToNull(user.getFirstAttribute(ClaromentisProfile.OFFICE)))
                .department(blankToNull(user.getFirstAttribute(ClaromentisProfile.DEPARTMENT)))
                .externalId(blankToNull(user.getFirstAttribute(ClaromentisProfile.EXTERNAL_ID)))
                .active(user.isEnabled())
                .build();
    }

    public static Long claromentisId(UserModel user) {
        return parseId(user.getFirstAttribute(ClaromentisProfile.CLAROMENTIS_ID));
    }

    /** A stored {@link ClaromentisProfile#CLAROMENTIS_ID} value as a number, or null when it is none. */
    public static Long parseId(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean setAttribute(UserModel target, String name, String value) {
        String current = target.getFirstAttribute(name);
        String wanted = blankToNull(value);
        if (Objects.equals(blankToNull(current), wanted)) {
            return false;
        }
        UserAttributes.replace(target, name, wanted);
        return true;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
