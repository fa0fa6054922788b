<#-- Civis: FranceConnect first, above an "ou" separator, as its guidelines ask; shared by the login and registration
     pages. hint: a sentence under the title, or "". -->
<#macro offer hint="">
    <#assign civisFederations = (social.providers![])?filter(p -> p.providerId == "franceconnect")>
    <#if civisFederations?has_content>
        <section id="civis-franceconnect" class="civis-franceconnect" aria-labelledby="civis-franceconnect-title">
            <h2 id="civis-franceconnect-title" class="civis-franceconnect-title">${msg("civisFranceConnectTitle")}</h2>
            <#if hint?has_content>
                <p id="civis-franceconnect-hint" class="civis-franceconnect-help">${hint}</p>
            </#if>
            <#list civisFederations as p>
                <a id="social-${p.alias}" class="civis-franceconnect-button" href="${p.loginUrl}">
                    <img class="civis-franceconnect-logo" src="${url.resourcesPath}/img/franceconnect.svg" alt="" width="40" height="40">
                    <span class="civis-franceconnect-label"><#if p.alias == "franceconnect">${msg("civisFranceConnectLogin")}<#else>${msg("civisFederationLogin", p.displayName)}</#if></span>
                </a>
            </#list>
            <p class="civis-franceconnect-help">
                <a id="civis-franceconnect-what" href="https://franceconnect.gouv.fr/" target="_blank" rel="noopener noreferrer">${msg("civisFranceConnectWhat")}<span class="civis-visually-hidden"> ${msg("civisNewWindow")}</span></a>
            </p>
        </section>
        <#if realm.password>
            <p class="civis-separator" id="civis-separator"><span>${msg("civisOr")}</span></p>
        </#if>
    </#if>
</#macro>
