package com.claromentis.keycloak.enterprise;

import com.claromentis.keycloak.profile.ClaromentisProfile;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The identity-provider vendors a preset exists for, by the name used in the REST path and the admin console, and
 * the one table of the claim names each vendor sends by default (or that its documentation tells the administrator
 * to configure). Everything else (which Keycloak settings and mappers they become) is {@link EnterprisePreset}'s.
 */
public enum SignInVendor {

    ADFS("adfs", "Microsoft AD FS", Saml.adfs()),
    ENTRA_SAML("entra-saml", "Microsoft Entra ID (SAML)", Saml.entra()),
    OKTA("okta", "Okta", Saml.shortNames("email", "firstName", "lastName", "groups")),
    DUO("duo", "Duo Single Sign-On", Saml.duo()),
    CENTRIFY("centrify", "Centrify / Delinea", Saml.shortNames("email", "firstName", "lastName", "groups")),
    ONELOGIN("onelogin", "OneLogin", Saml.shortNames("User.email", "User.FirstName", "User.LastName", "memberOf")),
    GENERIC("generic", "Any SAML 2.0 or OpenID Connect provider", Saml.oids());

    /** NameID formats of SAML 2.0 core, section 8.3. */
    static final String NAMEID_UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    static final String NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

    private static final String CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";

    private final String pathName;
    private final String displayName;
    private final Saml saml;

    SignInVendor(String pathName, String displayName, Saml saml) {
        this.pathName = pathName;
        this.displayName = displayName;
        this.saml = saml;
    }

    public String pathName() {
        return pathName;
    }

    public String displayName() {
        return displayName;
    }

    /** The vendor's SAML 2.0 claims. */
    Saml saml() {
        return saml;
    }

    /**
     * The vendor's OpenID Connect claims: the standard ones Keycloak's OIDC broker already reads (email, names,
     * preferred_username) are not repeated; the Claromentis attributes and groups keep the vendor's short names.
     *
     * @return empty for a vendor whose OpenID Connect sign-in has a provider type of its own (Entra ID)
     */
    Optional<Oidc> oidc() {
        if (this == ENTRA_SAML) {
            return Optional.empty();
        }
        Map<String, String> claims = new LinkedHashMap<>(Saml.shortNames("email", "firstName", "lastName", "groups")
                .claromentis());
        claims.put(ClaromentisProfile.PHONE, "phone_number");
        return Optional.of(new Oidc(Map.copyOf(claims), this == ADFS ? "group" : "groups"));
    }

    /** Every path name, for messages. */
    public static String pathNames() {
        return Arrays.stream(values()).map(SignInVendor::pathName).collect(Collectors.joining(", "));
    }

    public static Optional<SignInVendor> fromPath(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(v -> v.pathName.equals(wanted)).findFirst();
    }

    /**
     * What a vendor's SAML assertion carries.
     *
     * @param nameIdFormat  the NameID policy Keycloak requests
     * @param usernameClaim the attribute the username is read from, or null for the NameID (the subject)
     * @param email         the email attribute
     * @param firstName     the given-name attribute
     * @param lastName      the surname attribute
     * @param claromentis   the attribute for each of {@link ClaromentisProfile#DIRECTORY_OWNED}, keyed by it
     * @param groups        the attribute whose values name the user's groups
     */
    record Saml(String nameIdFormat, String usernameClaim, String email, String firstName, String lastName,
                Map<String, String> claromentis, String groups) {

        static Saml adfs() {
            // AD FS claim rules: SAM-Account-Name as Name (as the directory preset's username), Token-Groups as Group.
            return new Saml(NAMEID_UNSPECIFIED, CLAIMS + "name", CLAIMS + "emailaddress", CLAIMS + "givenname",
                    CLAIMS + "surname", microsoftClaims(), "http://schemas.xmlsoap.org/claims/Group");
        }

        static Saml entra() {
            // Entra's default claims: the UPN as name and as the email-format NameID; groups as its groups claim.
            return new Saml(NAMEID_EMAIL, CLAIMS + "name", CLAIMS + "emailaddress", CLAIMS + "givenname",
                    CLAIMS + "surname", microsoftClaims(), "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups");
        }

        static Saml duo() {
            return new Saml(NAMEID_EMAIL, "Username", "Email", "FirstName", "LastName", Map.of(
                    ClaromentisProfile.JOB_TITLE, "Title",
                    ClaromentisProfile.OFFICE, "Office",
                    ClaromentisProfile.DEPARTMENT, "Department",
                    ClaromentisProfile.PHONE, "Phone",
                    ClaromentisProfile.MANAGER, "Manager"), "Groups");
        }

        /** Short attribute names as Okta, Centrify and OneLogin attribute statements carry them; NameID the username. */
        static Saml shortNames(String email, String firstName, String lastName, String groups) {
            return new Saml(NAMEID_UNSPECIFIED, null, email, firstName, lastName, Map.of(
                    ClaromentisProfile.JOB_TITLE, "title",
                    ClaromentisProfile.OFFICE, "office",
                    ClaromentisProfile.DEPARTMENT, "department",
                    ClaromentisProfile.PHONE, "phone",
                    ClaromentisProfile.MANAGER, "manager"), groups);
        }

        /** The LDAP attribute OIDs of SAML2int / eduPerson, which most other SAML identity providers can send. */
        static Saml oids() {
            return new Saml(NAMEID_UNSPECIFIED, "urn:oid:0.9.2342.19200300.100.1.1", "urn:oid:0.9.2342.19200300.100.1.3",
                    "urn:oid:2.5.4.42", "urn:oid:2.5.4.4", Map.of(
                    ClaromentisProfile.JOB_TITLE, "urn:oid:2.5.4.12",
                    ClaromentisProfile.OFFICE, "urn:oid:2.5.4.19",
                    ClaromentisProfile.DEPARTMENT, "urn:oid:2.16.840.1.113730.3.1.2",
                    ClaromentisProfile.PHONE, "urn:oid:2.5.4.20",
                    ClaromentisProfile.MANAGER, "urn:oid:0.9.2342.19200300.100.1.10"),
                    "urn:oid:1.3.6.1.4.1.5923.1.5.1.1");
        }

        private static Map<String, String> microsoftClaims() {
            return Map.of(
                    ClaromentisProfile.JOB_TITLE, CLAIMS + "jobtitle",
                    ClaromentisProfile.OFFICE, CLAIMS + "physicaldeliveryofficename",
                    ClaromentisProfile.DEPARTMENT, CLAIMS + "department",
                    ClaromentisProfile.PHONE, CLAIMS + "telephonenumber",
                    ClaromentisProfile.MANAGER, CLAIMS + "manager");
        }
    }

    /**
     * What a vendor's OpenID Connect ID token or user info carries beyond the standard claims.
     *
     * @param claromentis the claim for each of {@link ClaromentisProfile#DIRECTORY_OWNED}, keyed by it
     * @param groups      the claim whose values name the user's groups
     */
    record Oidc(Map<String, String> claromentis, String groups) {
    }
}
