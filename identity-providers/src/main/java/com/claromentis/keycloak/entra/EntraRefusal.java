package com.claromentis.keycloak.entra;

/**
 * Why a Microsoft sign-in was refused. {@link #code()} goes into logs and the event's {@code reason} detail;
 * {@link #messageKey()} selects the text the user sees (theme-resources/messages).
 */
public enum EntraRefusal {
    MALFORMED_TOKEN("malformed_token", Keys.INVALID_TOKEN),
    TOKEN_TOO_LARGE("token_too_large", Keys.INVALID_TOKEN),
    UNSIGNED_TOKEN("unsigned_token", Keys.INVALID_TOKEN),
    UNSUPPORTED_ALGORITHM("unsupported_algorithm", Keys.INVALID_TOKEN),
    BAD_SIGNATURE("bad_signature", Keys.INVALID_TOKEN),
    UNEXPECTED_TYP("unexpected_typ", Keys.INVALID_TOKEN),
    V1_TOKEN("v1_token", Keys.INVALID_TOKEN),
    UNSUPPORTED_TOKEN_VERSION("unsupported_token_version", Keys.INVALID_TOKEN),
    MISSING_ISSUER("missing_issuer", Keys.INVALID_TOKEN),
    ISSUER_TEMPLATE("issuer_template", Keys.INVALID_TOKEN),
    ISSUER_MISMATCH("issuer_mismatch", Keys.INVALID_TOKEN),
    MISSING_TENANT("missing_tenant", Keys.INVALID_TOKEN),
    INVALID_TENANT_CLAIM("invalid_tenant_claim", Keys.INVALID_TOKEN),
    PERSONAL_ACCOUNT("personal_account", "entraPersonalAccountRefused"),
    TENANT_MISMATCH("tenant_mismatch", "entraTenantMismatch"),
    REALM_TENANT_UNKNOWN("realm_tenant_unknown", "entraTenantMismatch"),
    WRONG_AUDIENCE("wrong_audience", Keys.INVALID_TOKEN),
    MISSING_AUTHORIZED_PARTY("missing_authorized_party", Keys.INVALID_TOKEN),
    WRONG_AUTHORIZED_PARTY("wrong_authorized_party", Keys.INVALID_TOKEN),
    MISSING_EXPIRY("missing_expiry", Keys.INVALID_TOKEN),
    EXPIRED("expired", "entraTokenExpired"),
    NOT_YET_VALID("not_yet_valid", "entraTokenExpired"),
    MISSING_ISSUED_AT("missing_issued_at", Keys.INVALID_TOKEN),
    ISSUED_IN_FUTURE("issued_in_future", "entraTokenExpired"),
    MISSING_OBJECT_ID("missing_object_id", Keys.INVALID_TOKEN),
    INVALID_OBJECT_ID("invalid_object_id", Keys.INVALID_TOKEN),
    GUEST_USER("guest_user", "entraGuestRefused"),
    UNSUPPORTED_TOKEN_TYPE("unsupported_token_type", Keys.INVALID_TOKEN),
    PROVIDER_MISCONFIGURED("provider_misconfigured", "entraConfigurationError");

    private final String code;
    private final String messageKey;

    EntraRefusal(String code, String messageKey) {
        this.code = code;
        this.messageKey = messageKey;
    }

    public String code() {
        return code;
    }

    public String messageKey() {
        return messageKey;
    }

    private static final class Keys {
        static final String INVALID_TOKEN = "entraInvalidToken";
    }
}
