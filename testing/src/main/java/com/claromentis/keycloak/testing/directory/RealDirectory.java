package com.claromentis.keycloak.testing.directory;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a test class the run's real directory servers: {@code @BeforeAll} and test methods may take a
 * {@link SambaAd}, a {@link Slapd} or the {@link DirectoryTls}. Each server starts on first use and is shared by
 * every class of the run, stopped at its end; classes keep apart by working in an OU of their own.
 *
 * <p>It also makes the shared Keycloak trust {@link DirectoryTls}'s CA ({@code truststore-paths}): put this
 * annotation <em>above</em> {@code @RealKeycloak} so that is in place before Keycloak starts; when Keycloak already
 * runs without it (an earlier class started it), it is restarted once with the CA added.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(DirectoryExtension.class)
public @interface RealDirectory {
}
