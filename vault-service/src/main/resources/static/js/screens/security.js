// "Sécurité de mon compte": the person's ways to sign in, read from Keycloak's account API, and the buttons that
// change them. Every change is done by Keycloak itself, as an application-initiated action (kc_action): the portal
// never sees a secret, and Keycloak first asks for the existing second factor (eidas2) where one protects the change.
// Texts are written with textContent only (no HTML injection).

import { api, readJson } from '../api.js';
import { currentLanguage, lookup, t } from '../i18n.js';
import { $ } from '../ui.js';

/** The credential types the portal names; any other is shown under Keycloak's own name. */
const KNOWN_TYPES = ['password', 'otp', 'webauthn-passwordless', 'webauthn', 'civis-sms', 'recovery-authn-codes', 'civis-email'];
/**
 * The code by e-mail is a second factor Keycloak offers whenever the account's address is verified
 * (EmailCodeAuthenticator.configuredFor), without any stored credential: the account API never lists it, so it is
 * added from the ID token's email and email_verified, by the same rule, and cannot be removed here (it goes with the
 * address).
 */
const EMAIL_CODE = 'civis-email';
/** What Keycloak answers in kc_action_status once back. */
const OUTCOMES = ['success', 'cancelled', 'error'];

let hooks = null;
let endpoint = null;
let loaded = false;
/** What the list shows now (factors and language): rebuilt only when that changes, so focus stays put. */
let renderedList = null;
const state = {
  factors: [], // [{ id, type, label, created }]
  emailCode: null, // the verified address codes are e-mailed to, null when Keycloak would not send any
  status: null, // i18n key
  error: null, // i18n key
};

/** act(action, acr): leave for Keycloak to run {@code action}, asking that level first when given. */
export function initSecurity(securityHooks) {
  hooks = securityHooks;
  for (const button of document.querySelectorAll('#security [data-kc-action]')) {
    button.addEventListener('click', () => hooks.act(button.dataset.kcAction, button.dataset.acr || null));
  }
}

/**
 * Signed in: reads the person's factors. outcome: kc_action_status of the action just done, if any; identity: the ID
 * token's claims (email, email_verified).
 */
export async function startSecurity(credentialsEndpoint, outcome, identity) {
  endpoint = credentialsEndpoint;
  state.emailCode = identity?.email_verified === true && typeof identity.email === 'string' ? identity.email : null;
  state.status = OUTCOMES.includes(outcome) ? `security.outcome.${outcome}` : null;
  state.error = null;
  await loadFactors();
}

export function resetSecurity() {
  loaded = false;
  renderedList = null;
  state.factors = [];
  state.emailCode = null;
  state.status = null;
  state.error = null;
}

async function loadFactors() {
  let containers = null;
  try {
    containers = await readJson(await api(endpoint));
  } catch (error) {
    if (error.signedOut) {
      return;
    }
    console.error('Account API unreachable or refusing', error);
  }
  if (!Array.isArray(containers)) {
    state.error = 'security.error';
    renderSecurity();
    return;
  }
  state.factors = containers.flatMap((container) =>
    (Array.isArray(container?.userCredentialMetadatas) ? container.userCredentialMetadatas : [])
      .map((metadata) => metadata?.credential)
      .filter((credential) => credential && typeof credential.id === 'string')
      .map((credential) => ({
        id: credential.id,
        type: String(container.type ?? credential.type ?? ''),
        label: typeof credential.userLabel === 'string' ? credential.userLabel : '',
        created: Number.isFinite(credential.createdDate) ? credential.createdDate : null,
      })),
  );
  if (state.emailCode) {
    const password = state.factors.findIndex((factor) => factor.type === 'password');
    state.factors.splice(password + 1, 0, { id: null, type: EMAIL_CODE, label: state.emailCode, created: null });
  }
  loaded = true;
  renderSecurity();
}

function typeName(type) {
  return KNOWN_TYPES.includes(type) ? t(`factor.${type}`) : (lookup(`factor.${type}`) ?? type);
}

function factorItem(factor) {
  const item = document.createElement('li');
  item.className = 'factor';
  item.dataset.type = factor.type;
  const text = document.createElement('span');
  text.className = 'factor-text';
  const name = document.createElement('strong');
  name.textContent = typeName(factor.type);
  text.append(name);
  const details = [];
  if (factor.label) {
    details.push(factor.label);
  }
  if (factor.created) {
    const date = new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'long' }).format(new Date(factor.created));
    details.push(t('security.addedOn', { date }));
  }
  if (details.length) {
    const small = document.createElement('span');
    small.className = 'factor-details';
    small.textContent = details.join(' · ');
    text.append(small);
  }
  item.append(text);
  // The password is changed, not removed: without it some people could not sign in at all. The code by e-mail goes
  // with the address (« Changer d’adresse électronique »).
  if (factor.type !== 'password' && factor.id) {
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button button-secondary';
    remove.textContent = t('security.remove');
    remove.setAttribute('aria-label', t('security.removeNamed', { name: typeName(factor.type) }));
    remove.addEventListener('click', () => hooks.act(`delete_credential:${factor.id}`, null));
    item.append(remove);
  }
  return item;
}

/** Writes the screen: the factors once read. */
export function renderSecurity() {
  $('factors').hidden = !loaded;
  const list = JSON.stringify([currentLanguage(), state.factors]);
  if (list !== renderedList) {
    renderedList = list;
    $('factors').replaceChildren(...state.factors.map(factorItem));
  }
  const status = $('security-status');
  const statusText = state.status ? t(state.status) : '';
  if (status.textContent !== statusText) {
    status.textContent = statusText;
  }
  const error = $('security-error');
  error.textContent = state.error ? t(state.error) : '';
  error.hidden = !state.error;
}
