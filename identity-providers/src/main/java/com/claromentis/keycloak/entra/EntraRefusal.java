package com.claromentis.keycloak.entra;

import com.claromentis.keycloak.signin.SignInRefusal;

/**
 * Why a Microsoft sign-in was refused. {@link #code()} goes into logs and the event's {@code reason} detail;
 * {@link #page()} selects the refusal page the user sees, and with it the status and the text.
 */
public enum EntraRefusal {
    MALFORMED_TOKEN("malformed_token", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    TOKEN_TOO_LARGE("token_too_large", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    UNSIGNED_TOKEN("unsigned_token", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    UNSUPPORTED_ALGORITHM("unsupported_algorithm", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    BAD_SIGNATURE("bad_signature", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    UNEXPECTED_TYP("unexpected_typ", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    V1_TOKEN("v1_token", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    UNSUPPORTED_TOKEN_VERSION("unsupported_token_version", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    MISSING_ISSUER("missing_issuer", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    ISSUER_TEMPLATE("issuer_template", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    ISSUER_MISMATCH("issuer_mismatch", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    MISSING_TENANT("missing_tenant", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    INVALID_TENANT_CLAIM("invalid_tenant_claim", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    PERSONAL_ACCOUNT("personal_account", SignInRefusal.PERSONAL_MICROSOFT_ACCOUNT),
    TENANT_MISMATCH("tenant_mismatch", SignInRefusal.TENANT_MISMATCH),
    REALM_TENANT_UNKNOWN("realm_tenant_unknown", SignInRefusal.TENANT_MISMATCH),
    WRONG_AUDIENCE("wrong_audience", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    MISSING_AUTHORIZED_PARTY("missing_authorized_party", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    WRONG_AUTHORIZED_PARTY("wrong_authorized_party", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    MISSING_EXPIRY("missing_expiry", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    EXPIRED("expired", SignInRefusal.MICROSOFT_SIGN_IN_EXPIRED),
    NOT_YET_VALID("not_yet_valid", SignInRefusal.MICROSOFT_SIGN_IN_EXPIRED),
    MISSING_ISSUED_AT("missing_issued_at", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    ISSUED_IN_FUTURE("issued_in_future", SignInRefusal.MICROSOFT_SIGN_IN_EXPIRED),
    MISSING_OBJECT_ID("missing_object_id", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    INVALID_OBJECT_ID("invalid_object_id", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    GUEST_USER("guest_user", SignInRefusal.GUEST_NOT_ALLOWED),
    UNSUPPORTED_TOKEN_TYPE("unsupported_token_type", SignInRefusal.MICROSOFT_ANSWER_INVALID),
    PROVIDER_MISCONFIGURED("provider_misconfigured", SignInRefusal.MICROSOFT_NOT_SET_UP);

    private final String code;
    private final SignInRefusal page;

    EntraRefusal(String code, SignInRefusal page) {
        this.code = code;
        this.page = page;
    }

    public String code() {
        return code;
    }

    public SignInRefusal page() {
        return page;
    }

    public String messageKey() {
        return page.messageKey();
    }
}
