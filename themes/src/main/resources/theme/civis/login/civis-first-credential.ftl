<#import "template.ftl" as layout>
<#-- A new account's first way in, once its address is verified, from fr.civis.keycloak.registration.FirstCredentialAction:
     each choice is a real submit button of one form (Tab, Enter and Space work; screen readers announce a button),
     its explanation tied to it by aria-describedby. -->
<@layout.registrationLayout; section>
    <#if section = "header">
        ${msg("civisFirstCredentialTitle")}
    <#elseif section = "form">
        <p id="civis-first-credential-help">${msg("civisFirstCredentialHelp")}</p>
        <form id="civis-first-credential-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <ul class="civis-first-credential-list" role="list">
                <#list civisFirstCredentials as credential>
                    <li class="civis-first-credential-option">
                        <button type="submit" name="credential" value="${credential}" id="civis-first-credential-${credential}"
                                class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} civis-first-credential-button"
                                aria-describedby="civis-first-credential-${credential}-hint">${msg("civisFirstCredential_" + credential)}</button>
                        <p class="civis-first-credential-hint" id="civis-first-credential-${credential}-hint">${msg("civisFirstCredentialHint_" + credential)}</p>
                    </li>
                </#list>
            </ul>
        </form>
    </#if>
</@layout.registrationLayout>
