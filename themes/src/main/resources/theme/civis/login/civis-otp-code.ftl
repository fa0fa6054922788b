<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#-- Second factor by one-time code (e-mail or SMS), from fr.civis.keycloak.otp.CodeAuthenticator. -->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('code'); section>
    <#if section = "header">
        ${msg("civisOtpTitle_" + civisOtpChannel)}
    <#elseif section = "form">
        <#-- The step-up's reason, when the portal gave one, is said by template.ftl above the form. -->
        <p id="civis-otp-sent">${msg("civisOtpSent_" + civisOtpChannel, civisOtpDestination, civisOtpMinutes)}</p>
        <form id="civis-otp-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.input name="code" label=msg("civisOtpCodeLabel") autocomplete="one-time-code" autofocus=true />
            <@buttons.actionGroup>
                <@buttons.button id="civis-otp-submit" name="login" label="civisOtpSubmit" />
                <@buttons.button id="civis-otp-resend" name="resend" label="civisOtpResend" type="secondary" value="true" />
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>
