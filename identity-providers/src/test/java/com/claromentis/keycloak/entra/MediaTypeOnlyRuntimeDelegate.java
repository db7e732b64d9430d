package com.claromentis.keycloak.entra;

import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.SeBootstrap;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.Link;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.Variant;
import jakarta.ws.rs.ext.RuntimeDelegate;

/**
 * Just enough JAX-RS for unit tests to load Keycloak's {@code OIDCIdentityProvider}, whose static initialiser parses
 * a media type; Keycloak's own implementation (RESTEasy Reactive, inside the server) is not on the test classpath.
 * Registered in {@code META-INF/services} of the test resources; everything else is unsupported on purpose.
 */
public final class MediaTypeOnlyRuntimeDelegate extends RuntimeDelegate {

    @Override
    @SuppressWarnings("unchecked")
    public <T> HeaderDelegate<T> createHeaderDelegate(Class<T> type) {
        if (type != MediaType.class) {
            throw new UnsupportedOperationException("unit tests only parse media types, not " + type.getName());
        }
        return (HeaderDelegate<T>) new HeaderDelegate<MediaType>() {
            @Override
            public MediaType fromString(String value) {
                String[] typeAndSubtype = value.split(";", 2)[0].trim().split("/", 2);
                return new MediaType(typeAndSubtype[0], typeAndSubtype.length > 1 ? typeAndSubtype[1] : "*");
            }

            @Override
            public String toString(MediaType mediaType) {
                return mediaType.getType() + "/" + mediaType.getSubtype();
            }
        };
    }

    @Override
    public UriBuilder createUriBuilder() {
        throw unsupported();
    }

    @Override
    public Response.ResponseBuilder createResponseBuilder() {
        throw unsupported();
    }

    @Override
    public Variant.VariantListBuilder createVariantListBuilder() {
        throw unsupported();
    }

    @Override
    public <T> T createEndpoint(Application application, Class<T> endpointType) {
        throw unsupported();
    }

    @Override
    public Link.Builder createLinkBuilder() {
        throw unsupported();
    }

    @Override
    public SeBootstrap.Configuration.Builder createConfigurationBuilder() {
        throw unsupported();
    }

    @Override
    public CompletionStage<SeBootstrap.Instance> bootstrap(Application application, SeBootstrap.Configuration configuration) {
        throw unsupported();
    }

    @Override
    public CompletionStage<SeBootstrap.Instance> bootstrap(Class<? extends Application> clazz, SeBootstrap.Configuration configuration) {
        throw unsupported();
    }

    @Override
    public EntityPart.Builder createEntityPartBuilder(String partName) {
        throw unsupported();
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("not needed by the unit tests");
    }
}
