package com.claromentis.keycloak.testing.directory;

import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * What a browser on a domain-joined PC sends Keycloak: a SPNEGO token wrapping a Kerberos service ticket for
 * {@code HTTP/<host>}, obtained from the test domain's KDC with the JDK's own Kerberos (JAAS + GSS-API), under the
 * run's krb5.conf ({@link SambaAd#kerberosConfiguration}).
 */
public final class Spnego {

    private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");

    private Spnego() {
    }

    /** The {@code Authorization: Negotiate} value of user {@code principal} (password login to the KDC) for {@code HTTP/host}. */
    public static String token(String principal, String password, String host) {
        Map<String, String> options = new HashMap<>();
        options.put("useTicketCache", "false");
        options.put("storeKey", "false");
        options.put("refreshKrb5Config", "true");
        options.put("principal", principal);
        return token(principal, password, options, host);
    }

    private static String token(String principal, String password, Map<String, String> options, String host) {
        DirectoryExtension.kerberosForTheRun();
        Configuration configuration = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)};
            }
        };
        try {
            LoginContext login = new LoginContext("spnego-client", null, callbacks -> {
                for (var callback : callbacks) {
                    if (callback instanceof NameCallback name) {
                        name.setName(principal);
                    } else if (callback instanceof PasswordCallback secret && password != null) {
                        secret.setPassword(password.toCharArray());
                    }
                }
            }, configuration);
            login.login();
            try {
                byte[] token = Subject.doAs(login.getSubject(), (PrivilegedExceptionAction<byte[]>) () -> {
                    GSSManager manager = GSSManager.getInstance();
                    GSSName service = manager.createName("HTTP@" + host, GSSName.NT_HOSTBASED_SERVICE);
                    GSSContext context = manager.createContext(service, SPNEGO, null, GSSContext.DEFAULT_LIFETIME);
                    try {
                        context.requestMutualAuth(false);
                        context.requestCredDeleg(false);
                        return context.initSecContext(new byte[0], 0, 0);
                    } finally {
                        context.dispose();
                    }
                });
                return Base64.getEncoder().encodeToString(token);
            } finally {
                login.logout();
            }
        } catch (LoginException e) {
            throw new IllegalStateException("The test domain's KDC gave " + principal + " no ticket: " + e.getMessage(), e);
        } catch (PrivilegedActionException e) {
            throw new IllegalStateException("No service ticket for HTTP/" + host + ": " + e.getException().getMessage(),
                    e.getException());
        }
    }

    private static Oid oid(String value) {
        try {
            return new Oid(value);
        } catch (GSSException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
