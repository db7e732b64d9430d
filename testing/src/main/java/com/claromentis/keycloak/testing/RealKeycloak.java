package com.claromentis.keycloak.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class against the suite's shared real Keycloak, in a realm of its own.
 *
 * <p>Test methods and {@code @BeforeAll} methods may take a {@link TestRealm} or {@link KeycloakServer} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(KeycloakExtension.class)
public @interface RealKeycloak {

    /** Realm name prefix; a random suffix keeps names unique. Defaults to the class's simple name. */
    String realm() default "";
}
