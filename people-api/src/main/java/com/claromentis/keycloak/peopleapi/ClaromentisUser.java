package com.claromentis.keycloak.peopleapi;

import java.util.List;

/**
 * A Claromentis user as the whole bundle sees it. {@code username} is the unique key in Claromentis.
 * {@code id} is null for a user not created yet. {@code managerUsername}, {@code groups} and {@code roles} are
 * filled only by calls that fetch them (e.g. {@link PeopleApiClient#getUserWithDetails(long)}); otherwise they are
 * null and empty.
 */
public record ClaromentisUser(Long id, String username, String firstName, String surname, String email, String phone,
                              String jobTitle, String officeLocation, String department, Long managerId,
                              String managerUsername, List<ClaromentisGroup> groups, List<ClaromentisGroup> roles,
                              boolean active, String externalId) {

    public ClaromentisUser {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
        groups = groups == null ? List.of() : List.copyOf(groups);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    public static Builder builder(String username) {
        return new Builder().username(username);
    }

    public Builder toBuilder() {
        return new Builder().id(id).username(username).firstName(firstName).surname(surname).email(email)
                .phone(phone).jobTitle(jobTitle).officeLocation(officeLocation).department(department)
                .managerId(managerId).managerUsername(managerUsername).groups(groups).roles(roles)
                .active(active).externalId(externalId);
    }

    public static final class Builder {
        private Long id;
        private String username;
        private String firstName;
        private String surname;
        private String email;
        private String phone;
        private String jobTitle;
        private String officeLocation;
        private String department;
        private Long managerId;
        private String managerUsername;
        private List<ClaromentisGroup> groups = List.of();
        private List<ClaromentisGroup> roles = List.of();
        private boolean active = true;
        private String externalId;

        private Builder() {
        }

        public Builder id(Long v) { this.id = v; return this; }
        public Builder username(String v) { this.username = v; return this; }
        public Builder firstName(String v) { this.firstName = v; return this; }
        public Builder surname(String v) { this.surname = v; return this; }
        public Builder email(String v) { this.email = v; return this; }
        public Builder phone(String v) { this.phone = v; return this; }
        public Builder jobTitle(String v) { this.jobTitle = v; return this; }
        public Builder officeLocation(String v) { this.officeLocation = v; return this; }
        public Builder department(String v) { this.department = v; return this; }
        public Builder managerId(Long v) { this.managerId = v; return this; }
        public Builder managerUsername(String v) { this.managerUsername = v; return this; }
        public Builder groups(List<ClaromentisGroup> v) { this.groups = v; return this; }
        public Builder roles(List<ClaromentisGroup> v) { this.roles = v; return this; }
        public Builder active(boolean v) { this.active = v; return this; }
        public Builder externalId(String v) { this.externalId = v; return this; }

        public ClaromentisUser build() {
            return new ClaromentisUser(id, username, firstName, surname, email, phone, jobTitle, officeLocation,
                    department, managerId, managerUsername, groups, roles, active, externalId);
        }
    }
}
