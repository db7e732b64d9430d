package com.claromentis.keycloak.sandbox;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored user. Immutable: the store swaps whole records, so readers never see a half-applied update.
 * {@code id} 0 and {@code modified} null mean "not stored yet" (the store assigns both).
 */
public record SandboxUser(long id, String username, String firstname, String surname, String email,
                          String phone, String jobTitle, String office, String department, String externalId,
                          boolean active, Long managerId, Instant modified) {

    public SandboxUser {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
    }

    public static Builder builder(String username) {
        return new Builder().username(username);
    }

    public Builder toBuilder() {
        return new Builder().id(id).username(username).firstname(firstname).surname(surname).email(email)
                .phone(phone).jobTitle(jobTitle).office(office).department(department).externalId(externalId)
                .active(active).managerId(managerId).modified(modified);
    }

    public static final class Builder {
        private long id;
        private String username;
        private String firstname;
        private String surname;
        private String email;
        private String phone;
        private String jobTitle;
        private String office;
        private String department;
        private String externalId;
        private boolean active = true;
        private Long managerId;
        private Instant modified;

        private Builder() {
        }

        public Builder id(long v) { this.id = v; return this; }
        public Builder username(String v) { this.username = Objects.requireNonNull(v, "username"); return this; }
        public Builder firstname(String v) { this.firstname = v; return this; }
        public Builder surname(String v) { this.surname = v; return this; }
        public Builder email(String v) { this.email = v; return this; }
        public Builder phone(String v) { this.phone = v; return this; }
        public Builder jobTitle(String v) { this.jobTitle = v; return this; }
        public Builder office(String v) { this.office = v; return this; }
        public Builder department(String v) { this.department = v; return this; }
        public Builder externalId(String v) { this.externalId = v; return this; }
        public Builder active(boolean v) { this.active = v; return this; }
        public Builder managerId(Long v) { this.managerId = v; return this; }
        public Builder modified(Instant v) { this.modified = v; return this; }

        public SandboxUser build() {
            return new SandboxUser(id, username, firstname, surname, email, phone, jobTitle, office, department,
                    externalId, active, managerId, modified);
        }
    }
}
