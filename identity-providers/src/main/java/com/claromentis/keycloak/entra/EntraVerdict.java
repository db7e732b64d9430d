package com.claromentis.keycloak.entra;

import java.util.Objects;

import org.keycloak.representations.JsonWebToken;

/** Outcome of {@link EntraTokenValidator}: either the accepted token or the single reason it was refused. */
public final class EntraVerdict {

    private final JsonWebToken token;
    private final EntraRefusal refusal;

    private EntraVerdict(JsonWebToken token, EntraRefusal refusal) {
        this.token = token;
        this.refusal = refusal;
    }

    static EntraVerdict accepted(JsonWebToken token) {
        return new EntraVerdict(Objects.requireNonNull(token), null);
    }

    static EntraVerdict refused(EntraRefusal refusal) {
        return new EntraVerdict(null, Objects.requireNonNull(refusal));
    }

    public boolean isAccepted() {
        return refusal == null;
    }

    /** @return the refusal; only meaningful when not accepted */
    public EntraRefusal refusal() {
        return refusal;
    }

    /** @return the accepted token; only meaningful when accepted */
    public JsonWebToken token() {
        return token;
    }

    /** @return the Entra object id of the accepted user, the stable id the realm links users by */
    public String objectId() {
        return (String) token.getOtherClaims().get(EntraTenantRules.OBJECT_ID);
    }

    @Override
    public String toString() {
        return isAccepted() ? "accepted" : "refused(" + refusal.code() + ")";
    }
}
