<#-- Civis: "try another way". Keycloak 26.7.3's keycloak.v2 page (Apache-2.0) makes each choice a <div role="button">
     that submits on click only, so a keyboard cannot choose, and repeats one form id per choice. Here each choice is a
     real submit button of one form: Tab, Enter and Space work, and screen readers announce a button. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=false; section>
<!-- template: select-authenticator.ftl (civis) -->

    <#if section = "header" || section = "show-username">
        <#if section = "header">
            ${msg("loginChooseAuthenticator")}
        </#if>
    <#elseif section = "form">
    <form id="kc-select-credential-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
        <ul class="${properties.kcSelectAuthListClass!}" role="list">
            <#list auth.authenticationSelections as authenticationSelection>
                <li class="${properties.kcSelectAuthListItemWrapperClass!}">
                    <button type="submit" name="authenticationExecution" value="${authenticationSelection.authExecId}"
                            id="civis-choice-${authenticationSelection?index}"
                            class="${properties.kcSelectAuthListItemClass!} civis-choice"
                            aria-describedby="civis-choice-help-${authenticationSelection?index}">
                        <span class="pf-v5-c-data-list__item-content pf-v5-u-flex-wrap-wrap">
                            <span class="${properties.kcSelectAuthListItemIconClass!}">
                                <i class="${properties['${authenticationSelection.iconCssClass}']!authenticationSelection.iconCssClass} ${properties.kcSelectAuthListItemIconPropertyClass!}" aria-hidden="true"></i>
                            </span>
                            <span class="${properties.kcSelectAuthListItemBodyClass!}">
                                <span class="${properties.kcSelectAuthListItemHeadingClass!}">${msg('${authenticationSelection.displayName}')}</span>
                            </span>
                            <span id="civis-choice-help-${authenticationSelection?index}" class="${properties.kcSelectAuthListItemDescriptionClass!}">
                                ${msg('${authenticationSelection.helpText}')}
                            </span>
                        </span>
                        <span class="${properties.kcSelectAuthListItemFillClass!}">
                            <i class="${properties.kcSelectAuthListItemArrowIconClass!}" aria-hidden="true"></i>
                        </span>
                    </button>
                </li>
            </#list>
        </ul>
    </form>
    </#if>
</@layout.registrationLayout>
