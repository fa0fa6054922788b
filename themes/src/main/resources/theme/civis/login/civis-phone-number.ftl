<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#-- Enrolment of a mobile number for codes by SMS, from fr.civis.keycloak.otp.PhoneNumberAction. -->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('phone','code'); section>
    <#if section = "header">
        ${msg("civisPhoneTitle")}
    <#elseif section = "form">
        <#if civisPhoneStep = "number">
            <p id="civis-phone-help">${msg("civisPhoneHelp")}</p>
            <form id="civis-phone-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
                <@field.group name="phone" label=msg("civisPhoneLabel") error=messagesPerField.get('phone')>
                    <span class="${properties.kcInputClass} <#if messagesPerField.existsError('phone')>${properties.kcError}</#if>">
                        <input id="phone" name="phone" type="tel" autocomplete="tel" autofocus
                               aria-describedby="civis-phone-example<#if messagesPerField.existsError('phone')> input-error-phone</#if>"
                               aria-invalid="<#if messagesPerField.existsError('phone')>true</#if>"/>
                    </span>
                    <p id="civis-phone-example" class="${properties.kcFormHelperTextClass!}">${msg("civisPhoneExample")}</p>
                </@field.group>
                <@buttons.actionGroup>
                    <@buttons.button id="civis-phone-submit" name="send" label="civisPhoneSend" />
                    <#if isAppInitiatedAction??>
                        <@buttons.button id="civis-phone-cancel" name="cancel-aia" label="doCancel" type="secondary" value="true" />
                    </#if>
                </@buttons.actionGroup>
            </form>
        <#else>
            <p id="civis-otp-sent">${msg("civisOtpSent_sms", civisOtpDestination, civisOtpMinutes)}</p>
            <form id="civis-otp-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
                <@field.input name="code" label=msg("civisOtpCodeLabel") autocomplete="one-time-code" autofocus=true />
                <@buttons.actionGroup>
                    <@buttons.button id="civis-otp-submit" name="verify" label="civisOtpSubmit" />
                    <@buttons.button id="civis-otp-resend" name="resend" label="civisOtpResend" type="secondary" value="true" />
                    <@buttons.button id="civis-phone-change" name="change" label="civisPhoneChange" type="secondary" value="true" />
                </@buttons.actionGroup>
            </form>
        </#if>
    </#if>
</@layout.registrationLayout>
