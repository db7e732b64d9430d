<#-- The social refusal page. Its text is written with FreeMarker's HTML auto-escaping, not through kcSanitize as
     Keycloak's error page does: kcSanitize decodes entities and keeps markup such as <b>, so a provider name an
     administrator typed would be rendered as markup there. Here every character is shown as typed. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("errorTitle")}
    <#elseif section = "form">
        <div id="kc-error-message">
            <p class="instruction" id="claromentis-social-no-account">${msg("claromentisSocialNoAccount", claromentisProviderName)}</p>
        </div>
    </#if>
</@layout.registrationLayout>
