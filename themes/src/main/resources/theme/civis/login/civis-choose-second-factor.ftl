<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#-- Choice of the second factor a member of staff sets up, from fr.civis.keycloak.otp.SecondFactorChoice. -->
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('factor'); section>
    <#if section = "header">
        ${msg("civisFactorChoiceTitle")}
    <#elseif section = "form">
        <p id="civis-factor-help">${msg("civisFactorChoiceHelp")}</p>
        <form id="civis-factor-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <#-- A fieldset and its legend: screen readers announce the question with each option. -->
            <fieldset id="civis-factor-choice" class="${properties.kcFormGroupClass!} civis-fieldset"<#if messagesPerField.existsError('factor')> aria-describedby="input-error-factor"</#if>>
                <legend class="${properties.kcFormLabelClass!} civis-legend">
                    <span class="${properties.kcFormLabelTextClass!}">${msg("civisFactorChoiceLegend")}</span>
                </legend>
                <#list civisFactors as factor>
                    <div class="pf-v5-c-radio civis-factor-option">
                        <input class="pf-v5-c-radio__input" type="radio" id="civis-factor-${factor}" name="factor" value="${factor}"
                               aria-describedby="civis-factor-${factor}-hint"<#if messagesPerField.existsError('factor')> aria-invalid="true"</#if>/>
                        <label class="pf-v5-c-radio__label" for="civis-factor-${factor}">${msg("civisFactorChoice_" + factor)}</label>
                        <span class="pf-v5-c-radio__description" id="civis-factor-${factor}-hint">${msg("civisFactorChoiceHint_" + factor)}</span>
                    </div>
                </#list>
                <#if messagesPerField.existsError('factor')>
                    <div class="${properties.kcFormHelperTextClass}" aria-live="polite">
                        <div class="${properties.kcInputHelperTextClass}">
                            <div class="${properties.kcInputHelperTextItemClass} ${properties.kcError}" id="input-error-factor">
                                <span class="${properties.kcInputErrorMessageClass}">${messagesPerField.get('factor')}</span>
                            </div>
                        </div>
                    </div>
                </#if>
            </fieldset>
            <@buttons.actionGroup>
                <@buttons.button id="civis-factor-submit" name="choose" label="civisFactorChoiceSubmit" />
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>
