package com.claromentis.keycloak.peopleapi.auth;

/** How the client authenticates to the People API: HTTP Basic or an OAuth2 client-credentials bearer token. */
public sealed interface PeopleApiAuth permits BasicAuth, ClientCredentialsAuth {
}
