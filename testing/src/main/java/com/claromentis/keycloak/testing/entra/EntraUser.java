package com.claromentis.keycloak.testing.entra;

/**
 * A user the {@link EntraSimulator} signs in: the claims Entra puts in a v2.0 ID token.
 *
 * @param tenantId     {@code tid}: the directory the token is issued in (the resource tenant for guests)
 * @param objectId     {@code oid}: the user's stable id in that directory
 * @param homeIssuer   {@code idp}: for guests the issuer of their home directory; null for members
 */
public record EntraUser(String tenantId, String objectId, String username, String givenName, String familyName,
                 String homeIssuer) {

    public static EntraUser member(String tenantId, String objectId, String username, String givenName, String familyName) {
        return new EntraUser(tenantId, objectId, username, givenName, familyName, null);
    }

    public EntraUser asGuestFrom(String homeIssuer) {
        return new EntraUser(tenantId, objectId, username, givenName, familyName, homeIssuer);
    }

    public String email() {
        return username;
    }
}
