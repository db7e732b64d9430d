<#-- The sign-in page: the company's own sign-in first (enterprise providers: Entra ID, SAML, OIDC; then the
     username and password of the directory), personal (social) accounts below with their own marks. Which provider
     types count as enterprise is the theme property claromentisEnterpriseProviderTypes. The form itself is
     keycloak.v2's (field.ftl, buttons.ftl), so labels, autocomplete and error handling stay Keycloak's. -->
<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "social-providers.ftl" as identityProviders>
<#import "passkeys.ftl" as passkeys>
<#assign enterpriseTypes = (properties.claromentisEnterpriseProviderTypes!'')?split(' ')>
<#assign enterprise = []>
<#assign personal = []>
<#if social.providers??>
    <#list social.providers as p>
        <#if enterpriseTypes?seq_contains(p.providerId)>
            <#assign enterprise = enterprise + [p]>
        <#else>
            <#assign personal = personal + [p]>
        </#if>
    </#list>
</#if>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('username','password') displayInfo=realm.password && realm.registrationAllowed && !registrationDisabled??; section>
<!-- template: login.ftl (claromentis) -->
    <#if section = "header">
        ${msg("loginAccountTitle")}
    <#elseif section = "form">
        <#if enterprise?has_content>
            <div id="claromentis-enterprise-providers" class="claromentis-enterprise">
                <p class="claromentis-section-label">${msg("claromentisCompanySignIn")}</p>
                <ul class="claromentis-provider-list">
                    <#list enterprise as p>
                        <li>
                            <a id="social-${p.alias}" data-once-link data-disabled-class="${properties.kcFormSocialAccountListButtonDisabledClass!}"
                               class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} claromentis-provider-button claromentis-provider-${p.providerId}"
                               href="${p.loginUrl}">
                                <#if p.providerId = "entra-id">
                                    <svg class="claromentis-provider-mark" viewBox="0 0 21 21" aria-hidden="true" focusable="false">
                                        <rect x="1" y="1" width="9" height="9" fill="#f25022"/>
                                        <rect x="11" y="1" width="9" height="9" fill="#7fba00"/>
                                        <rect x="1" y="11" width="9" height="9" fill="#00a4ef"/>
                                        <rect x="11" y="11" width="9" height="9" fill="#ffb900"/>
                                    </svg>
                                    <#-- Keycloak hands the alias as display name when the administrator gave none. -->
                                    <span class="claromentis-provider-name"><#if !p.displayName?has_content || p.displayName == p.alias>${msg("claromentisSignInWithMicrosoft")}<#else>${p.displayName}</#if></span>
                                <#else>
                                    <svg class="claromentis-provider-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                                        <path fill="currentColor" d="M3 21V3h10v4h8v14H3zm2-2h2v-2H5v2zm0-4h2v-2H5v2zm0-4h2V9H5v2zm0-4h2V5H5v2zm4 12h2v-2H9v2zm0-4h2v-2H9v2zm0-4h2V9H9v2zm0-4h2V5H9v2zm4 12h6V9h-6v2h2v2h-2v2h2v2h-2v2z"/>
                                    </svg>
                                    <span class="claromentis-provider-name">${p.displayName!p.alias}</span>
                                </#if>
                            </a>
                        </li>
                    </#list>
                </ul>
                <#if realm.password>
                    <p class="claromentis-divider"><span>${msg("claromentisOrUsePassword")}</span></p>
                </#if>
            </div>
        </#if>
        <div id="kc-form">
          <div id="kc-form-wrapper">
            <#if realm.password>
                <form id="kc-form-login" class="${properties.kcFormClass!}" onsubmit="login.disabled = true; return true;" action="${url.loginAction}" method="post" novalidate="novalidate">
                    <#if !usernameHidden??>
                        <#assign label>
                            <#if !realm.loginWithEmailAllowed>${msg("username")}<#elseif !realm.registrationEmailAsUsername>${msg("usernameOrEmail")}<#else>${msg("email")}</#if>
                        </#assign>
                        <@field.input name="username" label=label error=messagesPerField.getFirstError('username','password')
                            autofocus=!enterprise?has_content autocomplete="${(enableWebAuthnConditionalUI?has_content)?then('username webauthn', 'username')}" value=login.username!'' />
                    </#if>
                    <@field.password name="password" label=msg("password") error="" forgotPassword=realm.resetPasswordAllowed autofocus=usernameHidden?? autocomplete="current-password">
                        <#if realm.rememberMe && !usernameHidden??>
                            <@field.checkbox name="rememberMe" label=msg("rememberMe") value=login.rememberMe?? />
                        </#if>
                    </@field.password>
                    <input type="hidden" id="id-hidden-input" name="credentialId" <#if auth.selectedCredential?has_content>value="${auth.selectedCredential}"</#if>/>
                    <@buttons.loginButton />
                </form>
            </#if>
          </div>
        </div>
        <@passkeys.conditionalUIData />
    <#elseif section = "socialProviders" >
        <#if personal?has_content>
            <div id="claromentis-personal-providers">
                <@identityProviders.show social={"providers": personal}/>
            </div>
        </#if>
    <#elseif section = "info" >
        <#if realm.password && realm.registrationAllowed && !registrationDisabled??>
            <div id="kc-registration-container">
                <div id="kc-registration">
                    <span>${msg("noAccount")} <a href="${url.registrationUrl}">${msg("doRegister")}</a></span>
                </div>
            </div>
        </#if>
    </#if>
</@layout.registrationLayout>
