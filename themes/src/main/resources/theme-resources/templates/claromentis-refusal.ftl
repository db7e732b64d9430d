<#-- The page of every sign-in the bundle refuses (RefusalPage, SignInRefusal in common/). It lives in theme-resources
     so it exists in every login theme; the claromentis theme styles it. Every value is printed with FreeMarker's
     HTML auto-escaping, never through kcSanitize as Keycloak's error page does: kcSanitize decodes entities and keeps
     markup such as <b>, so a provider name an administrator typed would become markup there. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        <span id="claromentis-refusal-title">${msg(claromentisRefusal.titleKey)}</span>
    <#elseif section = "form">
        <div id="claromentis-refusal" class="claromentis-refusal" data-refusal="${claromentisRefusal.id}" role="alert">
            <p id="claromentis-refusal-message" class="claromentis-refusal-message"><#if claromentisRefusal.provider??>${msg(claromentisRefusal.messageKey, claromentisRefusal.provider)}<#else>${msg(claromentisRefusal.messageKey)}</#if></p>
            <p class="claromentis-refusal-reference">
                ${msg("claromentisRefusalReferenceLabel")}
                <strong id="claromentis-refusal-reference" class="claromentis-refusal-code">${claromentisRefusal.reference}</strong>
            </p>
            <p class="claromentis-refusal-help">${msg("claromentisRefusalReferenceHelp")}</p>
            <#if claromentisRefusal.retry>
                <#-- Keycloak's restart of this sign-in: the login page again, for the same application. -->
                <p class="claromentis-refusal-retry"><a id="claromentis-refusal-retry" href="${url.loginRestartFlowUrl}">${msg("claromentisRefusalBackToSignIn")}</a></p>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
