package com.claromentis.keycloak.storage;

import com.claromentis.keycloak.common.LogSafe;
import com.claromentis.keycloak.profile.ClaromentisProfile;
import com.claromentis.keycloak.profile.ClaromentisUserMapper;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.UserModelDelegate;
import org.keycloak.storage.ReadOnlyException;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An imported user as the rest of Keycloak sees it: the fields Claromentis owns are read-only, or, with
 * write-back on, every change to them is queued in the provisioning outbox, delivered to Claromentis after commit.
 */
final class ClaromentisUserAdapter extends UserModelDelegate {

    private static final Set<String> OWNED_ATTRIBUTES = Set.of(ClaromentisProfile.JOB_TITLE, ClaromentisProfile.OFFICE,
            ClaromentisProfile.DEPARTMENT, ClaromentisProfile.PHONE, ClaromentisProfile.EXTERNAL_ID,
            UserModel.FIRST_NAME, UserModel.LAST_NAME, UserModel.EMAIL);
    /** Never changed here: the username is the key in Claromentis, the others are written only by sync. */
    private static final Set<String> KEYS = Set.of(UserModel.USERNAME, ClaromentisProfile.CLAROMENTIS_ID,
            ClaromentisProfile.MANAGER);

    private final WriteBack writeBack;
    private final String providerName;

    ClaromentisUserAdapter(UserModel delegate, WriteBack writeBack, String providerName) {
        super(delegate);
        this.writeBack = writeBack;
        this.providerName = providerName;
    }

    @Override
    public void setUsername(String username) {
        if (!Objects.equals(username, getUsername())) {
            throw new ReadOnlyException("The username of '" + LogSafe.of(getUsername()) + "' is its key in Claromentis and cannot be changed");
        }
    }

    @Override
    public void setFirstName(String value) {
        if (changes(getFirstName(), value, UserModel.FIRST_NAME)) {
            super.setFirstName(value);
        }
    }

    @Override
    public void setLastName(String value) {
        if (changes(getLastName(), value, UserModel.LAST_NAME)) {
            super.setLastName(value);
        }
    }

    @Override
    public void setEmail(String value) {
        if (changes(getEmail(), value, UserModel.EMAIL)) {
            super.setEmail(value);
        }
    }

    /**
     * Keycloak's brute-force protection disables a user (then records the reason) in its own transaction, and an
     * administrator unlocks one by enabling it: both are Keycloak's own state and are kept here even where
     * Claromentis owns "enabled", and never sent to Claromentis. Whether a disable was a lockout is known only once
     * the reason is set, so it is decided when the transaction is prepared ({@link WriteBack#disabledHere}).
     */
    @Override
    public void setEnabled(boolean enabled) {
        if (enabled == isEnabled()) {
            return;
        }
        if (enabled && ClaromentisUserMapper.isLockedOut(getDelegate())) {
            super.setEnabled(true);
            return;
        }
        if (!enabled) {
            super.setEnabled(false);
            writeBack.disabledHere(getDelegate());
            return;
        }
        if (changes(Boolean.toString(isEnabled()), Boolean.toString(enabled), "enabled")) {
            super.setEnabled(enabled);
        }
    }

    @Override
    public void setSingleAttribute(String name, String value) {
        if (guarded(name, getFirstAttribute(name), value)) {
            super.setSingleAttribute(name, value);
        }
    }

    @Override
    public void setAttribute(String name, List<String> values) {
        String first = values == null || values.isEmpty() ? null : values.get(0);
        if (guarded(name, getFirstAttribute(name), first)) {
            super.setAttribute(name, values);
        }
    }

    @Override
    public void removeAttribute(String name) {
        if (guarded(name, getFirstAttribute(name), null)) {
            super.removeAttribute(name);
        }
    }

    /** Whether the write should go ahead; throws when it would change a field Claromentis owns without write-back. */
    private boolean guarded(String name, String current, String wanted) {
        if (KEYS.contains(name)) {
            if (!Objects.equals(blankToNull(current), blankToNull(wanted))) {
                throw new ReadOnlyException("'" + name + "' of '" + LogSafe.of(getUsername()) + "' comes from Claromentis and cannot be changed here");
            }
            return false;
        }
        if (OWNED_ATTRIBUTES.contains(name)) {
            return changes(current, wanted, name);
        }
        return true;
    }

    private boolean changes(String current, String wanted, String field) {
        if (Objects.equals(blankToNull(current), blankToNull(wanted))) {
            return false;
        }
        if (!writeBack.enabled()) {
            throw new ReadOnlyException("'" + field + "' of '" + LogSafe.of(getUsername()) + "' is managed by Claromentis (provider '"
                    + LogSafe.of(providerName) + "'): change it in Claromentis, or turn on write-back");
        }
        writeBack.updated(getDelegate());
        return true;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
