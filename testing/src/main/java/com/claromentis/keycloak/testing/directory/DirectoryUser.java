package com.claromentis.keycloak.testing.directory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A person to add to a {@link Directory}; each directory writes it in its own schema (Active Directory's {@code user},
 * OpenLDAP's {@code inetOrgPerson}). Only the username and the parent entry are required.
 */
public final class DirectoryUser {

    private final String username;
    private final String parentDn;
    private final String commonName;
    private final String givenName;
    private final String surname;
    private final String mail;
    private final String title;
    private final String office;
    private final String department;
    private final String telephoneNumber;
    private final String employeeNumber;
    private final String managerDn;
    private final String password;
    private final String userPrincipalName;
    private final boolean disabled;
    private final Integer userAccountControl;
    private final Map<String, List<String>> extraAttributes;

    private DirectoryUser(Builder builder) {
        this.username = builder.username;
        this.parentDn = Objects.requireNonNull(builder.parentDn, "parent entry: call in(dn)");
        this.commonName = builder.commonName;
        this.givenName = builder.givenName;
        this.surname = builder.surname;
        this.mail = builder.mail;
        this.title = builder.title;
        this.office = builder.office;
        this.department = builder.department;
        this.telephoneNumber = builder.telephoneNumber;
        this.employeeNumber = builder.employeeNumber;
        this.managerDn = builder.managerDn;
        this.password = builder.password;
        this.userPrincipalName = builder.userPrincipalName;
        this.disabled = builder.disabled;
        this.userAccountControl = builder.userAccountControl;
        this.extraAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(builder.extraAttributes));
    }

    /** A user {@code username} ({@code sAMAccountName} on AD, {@code uid} on OpenLDAP). */
    public static Builder builder(String username) {
        return new Builder(username);
    }

    public String username() {
        return username;
    }

    public String parentDn() {
        return parentDn;
    }

    /** The RDN value: the given {@code cn}, else "given-name surname" when both are set, else the username. */
    public String commonName() {
        if (commonName != null) {
            return commonName;
        }
        if (givenName != null && surname != null) {
            return givenName + " " + surname;
        }
        return username;
    }

    public Optional<String> givenName() {
        return Optional.ofNullable(givenName);
    }

    public Optional<String> surname() {
        return Optional.ofNullable(surname);
    }

    public Optional<String> mail() {
        return Optional.ofNullable(mail);
    }

    public Optional<String> title() {
        return Optional.ofNullable(title);
    }

    public Optional<String> office() {
        return Optional.ofNullable(office);
    }

    public Optional<String> department() {
        return Optional.ofNullable(department);
    }

    public Optional<String> telephoneNumber() {
        return Optional.ofNullable(telephoneNumber);
    }

    public Optional<String> employeeNumber() {
        return Optional.ofNullable(employeeNumber);
    }

    public Optional<String> managerDn() {
        return Optional.ofNullable(managerDn);
    }

    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public Optional<String> userPrincipalName() {
        return Optional.ofNullable(userPrincipalName);
    }

    public boolean disabled() {
        return disabled;
    }

    public Optional<Integer> userAccountControl() {
        return Optional.ofNullable(userAccountControl);
    }

    /** Further attributes written as given, e.g. {@code servicePrincipalName}. */
    public Map<String, List<String>> extraAttributes() {
        return extraAttributes;
    }

    public static final class Builder {
        private final String username;
        private String parentDn;
        private String commonName;
        private String givenName;
        private String surname;
        private String mail;
        private String title;
        private String office;
        private String department;
        private String telephoneNumber;
        private String employeeNumber;
        private String managerDn;
        private String password;
        private String userPrincipalName;
        private boolean disabled;
        private Integer userAccountControl;
        private final Map<String, List<String>> extraAttributes = new LinkedHashMap<>();

        private Builder(String username) {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("A directory user needs a username");
            }
            this.username = username;
        }

        /** The entry the user is created under, e.g. an OU. */
        public Builder in(String parentDn) {
            this.parentDn = parentDn;
            return this;
        }

        public Builder commonName(String value) {
            this.commonName = value;
            return this;
        }

        public Builder givenName(String value) {
            this.givenName = value;
            return this;
        }

        public Builder surname(String value) {
            this.surname = value;
            return this;
        }

        public Builder mail(String value) {
            this.mail = value;
            return this;
        }

        public Builder title(String value) {
            this.title = value;
            return this;
        }

        /** {@code physicalDeliveryOfficeName}. */
        public Builder office(String value) {
            this.office = value;
            return this;
        }

        /** {@code department} on AD, {@code departmentNumber} on OpenLDAP (inetOrgPerson has no department). */
        public Builder department(String value) {
            this.department = value;
            return this;
        }

        public Builder telephoneNumber(String value) {
            this.telephoneNumber = value;
            return this;
        }

        public Builder employeeNumber(String value) {
            this.employeeNumber = value;
            return this;
        }

        /** DN of the manager's entry, which must already exist (add managers first). */
        public Builder managerDn(String value) {
            this.managerDn = value;
            return this;
        }

        public Builder password(String value) {
            this.password = value;
            return this;
        }

        /** AD only; defaults to {@code username@example.test}. */
        public Builder userPrincipalName(String value) {
            this.userPrincipalName = value;
            return this;
        }

        /** AD: sets the ACCOUNTDISABLE bit (2) of {@code userAccountControl}. OpenLDAP has no standard flag. */
        public Builder disabled() {
            this.disabled = true;
            return this;
        }

        /** AD only: the exact {@code userAccountControl}, overriding what password and {@link #disabled()} imply. */
        public Builder userAccountControl(int value) {
            this.userAccountControl = value;
            return this;
        }

        public Builder attribute(String name, String... values) {
            extraAttributes.put(name, List.of(values));
            return this;
        }

        public DirectoryUser build() {
            return new DirectoryUser(this);
        }
    }
}
