package com.claromentis.keycloak.broker;



/** Registers {@value #PROVIDER_ID}, the first-broker-login step that provisions company identities into Claromentis. */
public final class ProvisionUserAuthenticatorFactory extends ClaromentisAuthenticatorFactory {

    public static final String PROVIDER_ID = "claromentis-provision-user";

    public ProvisionUserAuthenticatorFactory() {
        super(new ProvisionUserAuthenticator());
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Claromentis: provision the user";
    }

    @Override
    public String getHelpText() {
        return "Queues the creation in Claromentis (People API) of a person signing in for the first time through "
                + "an enterprise identity provider; never for social sign-ins. Needs the realm's "
                + "'claromentis-provisioning' event listener.";
    }
}
