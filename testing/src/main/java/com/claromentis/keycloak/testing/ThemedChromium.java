package com.claromentis.keycloak.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.keycloak.representations.idm.RealmRepresentation;
import org.openqa.selenium.WebDriver;

import java.nio.file.Path;

/**
 * The set-up of a browser test of the Claromentis themes: the class's realm with the {@code claromentis} login theme
 * (and, if asked, account theme), optionally an embedded directory its users sign in from, and one headless
 * Chromium for the class. Register it on a {@link RealKeycloak} class, whose realm it sets up before the class's own
 * {@code @BeforeAll} methods run:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ThemedChromium chromium = ThemedChromium.loginTheme().withAccountTheme().withDirectory("ldap/small-org.ldif");
 * }</pre>
 *
 * <p>Chromium and the directory are closed with the realm. Nested classes share their enclosing class's browser.
 */
public final class ThemedChromium implements BeforeAllCallback {

    /** The base of the directory {@link #withDirectory} loads; its LDIF holds the people under {@link #PEOPLE_DN}. */
    public static final String BASE_DN = "dc=example,dc=test";
    public static final String PEOPLE_DN = "ou=people," + BASE_DN;

    private static final String THEME = "claromentis";

    private final boolean accountTheme;
    private final boolean adminTheme;
    private final String ldif;
    private Chromium chromium;
    private EmbeddedLdap ldap;
    private LdapFederation federation;

    private ThemedChromium(boolean accountTheme, boolean adminTheme, String ldif) {
        this.accountTheme = accountTheme;
        this.adminTheme = adminTheme;
        this.ldif = ldif;
    }

    /** The realm's login theme is {@code claromentis}; nothing else is added. */
    public static ThemedChromium loginTheme() {
        return new ThemedChromium(false, false, null);
    }

    /** The realm's account console theme is {@code claromentis} too. */
    public ThemedChromium withAccountTheme() {
        return new ThemedChromium(true, adminTheme, ldif);
    }

    /** The realm's admin console (at {@code /admin/{realm}/console/}) has the {@code claromentis} admin theme. */
    public ThemedChromium withAdminTheme() {
        return new ThemedChromium(accountTheme, true, ldif);
    }

    /**
     * An embedded directory under {@link #BASE_DN} loaded from a classpath LDIF, federated into the realm as
     * inetOrgPerson people under {@link #PEOPLE_DN} (read-only, imported on first sign-in).
     */
    public ThemedChromium withDirectory(String ldifResource) {
        return new ThemedChromium(accountTheme, adminTheme, ldifResource);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (chromium != null) {
            return;
        }
        TestRealm realm = KeycloakExtension.realm(context);
        if (ldif != null) {
            ldap = realm.closeWith(EmbeddedLdap.builder(BASE_DN).ldif(ldif).start());
            federation = LdapFederation.addInetOrgPerson(realm.admin(), realm.name(), ldap.url(), ldap.bindDn(),
                    ldap.bindPassword(), PEOPLE_DN);
        }
        RealmRepresentation representation = realm.representation();
        representation.setLoginTheme(THEME);
        if (accountTheme) {
            representation.setAccountTheme(THEME);
        }
        if (adminTheme) {
            representation.setAdminTheme(THEME);
        }
        realm.update(representation);
        chromium = realm.closeWith(Chromium.start());
    }

    public WebDriver driver() {
        return started(chromium).driver();
    }

    /** Saves what the browser shows, for a person to look at after the run. */
    public Path screenshot(Path file) {
        return started(chromium).screenshot(file);
    }

    /** The realm's LDAP federation of the directory. */
    public LdapFederation federation() {
        if (ldif == null) {
            throw new IllegalStateException("No directory: register the fixture withDirectory(ldif)");
        }
        return started(federation);
    }

    private static <T> T started(T resource) {
        if (resource == null) {
            throw new IllegalStateException("Not started yet: register the fixture with @RegisterExtension on a"
                    + " @RealKeycloak class; it starts before the class's @BeforeAll methods");
        }
        return resource;
    }
}
