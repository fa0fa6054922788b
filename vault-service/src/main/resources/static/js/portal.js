// "Mon coffre" citizen page: OpenID Connect sign-in (authorization code + PKCE S256,
// public client) and display of the signed-in person, in plain French (and English).
//
// Security notes:
// - tokens are kept in the variables of this module only: never in localStorage,
//   sessionStorage or cookies, so a reload forgets them (the Keycloak session remains);
// - code_verifier, state and nonce go to sessionStorage just for the round trip to
//   Keycloak, and are deleted as soon as the callback is read (single use);
// - a reload forgets the tokens but not the Keycloak session: on load the page asks Keycloak silently
//   (prompt=none) whether a session is open and, if so, signs back in, so the page never looks signed out while
//   anyone at the same computer could get in without a password; « Se déconnecter » ends the Keycloak session (and
//   FranceConnect's through it) and the page says so when it comes back;
// - before a step-up the person is told, in a dialog, what will be asked and why (dialog first, Keycloak after);
// - step-up (RFC 9470): when the API asks for a stronger login (acr_values), the act the
//   person asked for (export, closing, reopening; no document, no token) joins them, and is
//   retried once back, at most once (api.js reads the challenge, the screen knows the act);
// - changes to the ways of signing in (screens/security.js) are Keycloak's own actions (kc_action): the person leaves for
//   Keycloak, which asks the second factor first where needed, and comes back through the same callback;
// - every text is written with textContent (no HTML injection), and the page has no
//   inline script or style, as required by the Content-Security-Policy.

import { apiJson, configureApi, errorMessage, newGeneration, portalConfig } from './api.js';
import { setCatalogue } from './catalogue.js';
import { closeAllDialogs, closeDialog, openDialog, wireDialogs } from './dialogs.js';
import { SignInUnavailable, authorize, endSession, finishLogin, isCallback, takePendingLogin } from './login.js';
import { cryptoAvailable } from './oidc.js';
import { currentLanguage, isSupported, preferredLanguage, t, translatePage, useLanguage } from './i18n.js';
import { renderAccount, setAccount } from './screens/account.js';
import { enterAccesses, initAccesses, renderAccesses, resetAccesses } from './screens/accesses.js';
import {
  documentReplaced,
  enterDocuments,
  initDocuments,
  renderDocuments,
  resetDocuments,
  resumeAction,
  startDocuments,
} from './screens/documents.js';
import {
  enterRelease,
  forgetRequest,
  initRelease,
  renderRelease,
  resetRelease,
  resumeRelease,
  takeRequestFromAddress,
} from './screens/release.js';
import { enterShare, initShare, resetShare, resumeShare, translateShare } from './screens/share.js';
import { enterShares, initShares, renderShares, resetShares, resumeShares } from './screens/shares.js';
import { enterMailSwitches, initMailSwitches, resetMailSwitches } from './screens/mail-switches.js';
import { enterReplace, initReplace, renderReplace, resetReplace } from './screens/replace.js';
import { initSecurity, renderSecurity, resetSecurity, startSecurity } from './screens/security.js';
import { $ } from './ui.js';
import { apply, currentHref, currentScreen, defineScreen, startRouter } from './router.js';

const PENDING_LOGIN_KEY = 'civis.portal.pendingLogin';
/** Set just before leaving for Keycloak's end-session endpoint: the page says « Vous êtes déconnecté·e » once back. */
const SIGNED_OUT_KEY = 'civis.portal.signedOut';
/** The acts that ask for a stronger login, each with its reason in the bundles (stepup.reason.<act>). */
const STEP_UP_REASONS = ['export', 'close', 'reopen', 'consent', 'share', 'revoke'];
const ME_URL = '/api/v1/me';

// --- State (memory only) ---------------------------------------------------------------

let config = null;
let accessToken = null;
let idToken = null;
let me = null;

const ui = {
  busy: false, // true while signing in or out: neither the welcome nor the account is shown
  status: null, // i18n key of the polite status message
  error: null, // { key, params } for our own messages, { text } for messages from the server
};

const configPromise = portalConfig.then((json) => {
  config = json;
  setCatalogue(json?.documents);
  return json;
});

// --- Rendering -------------------------------------------------------------------------

function signedInAndKnown() {
  return !ui.busy && Boolean(accessToken) && Boolean(me);
}

/** The page's title names the screen shown: "Mes partages – Mon coffre – Ville de Civis". */
function renderTitle() {
  const page = t('title', { city: config?.cityName ?? $('city-name').textContent });
  const screen = currentScreen();
  document.title = screen ? `${t(screen.titleKey)} – ${page}` : page;
}

function render() {
  translatePage();
  for (const button of document.querySelectorAll('.lang-button')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === currentLanguage()));
  }
  if (config?.cityName) {
    $('city-name').textContent = config.cityName;
  }

  const signedIn = Boolean(accessToken);
  $('welcome').hidden = ui.busy || signedIn;
  $('screens-nav').hidden = !signedInAndKnown();
  $('session-actions').hidden = ui.busy || !signedIn;
  apply();
  renderTitle();
  renderAccount();
  renderDocuments();
  renderSecurity();
  renderRelease();
  renderShares();
  translateShare();
  renderAccesses();
  renderReplace();
  renderStepUp();

  const status = $('status');
  const statusText = ui.status ? t(ui.status) : '';
  if (status.textContent !== statusText) {
    status.textContent = statusText;
  }

  const error = $('error');
  const errorText = ui.error ? (ui.error.text ?? t(ui.error.key, ui.error.params)) : '';
  if (error.textContent !== errorText) {
    error.textContent = errorText;
  }
  error.hidden = !errorText;
}

function showError(error) {
  ui.busy = false;
  ui.status = null;
  ui.error = error;
  render();
}

// --- Sign in ---------------------------------------------------------------------------

let redirecting = false;

/**
 * Leaves for Keycloak's login page. acr: the level to ask for (acr_values), when the API demanded one; resume: what
 * the person was doing, to do again once back; action: a Keycloak action to run (kc_action), e.g. CONFIGURE_TOTP;
 * route: the screen to come back to (the one shown now by default).
 */
async function login({ acr = null, resume = null, action = null, route = currentHref(), silent = false } = {}) {
  if (redirecting) {
    return;
  }
  ui.error = null;
  ui.status = silent ? 'status.checkingSession' : 'status.redirecting';
  render();
  const cfg = await configPromise;
  if (!cfg) {
    showError({ key: 'error.config' });
    return;
  }
  if (!cryptoAvailable()) {
    showError({ key: 'error.crypto' });
    return;
  }
  redirecting = true;
  try {
    await authorize(cfg, {
      key: PENDING_LOGIN_KEY,
      extra: { lang: currentLanguage(), resume, action: Boolean(action), route },
      acr,
      action,
      lang: currentLanguage(),
      // The code page says again why it asks (Keycloak keeps it as a client note; StepUpReason accepts only these).
      reason: STEP_UP_REASONS.includes(resume?.action) ? resume.action : null,
      silent,
    });
  } catch (error) {
    redirecting = false;
    console.error('Cannot start the sign-in', error);
    showError({ key: error instanceof SignInUnavailable ? 'error.tokenNetwork' : 'error.generic' });
  }
}

async function handleCallback(params, pending) {
  const { tokens, claims, error, noSession } = await finishLogin(config, params, pending);
  if (noSession) {
    // No session open at Keycloak: the page is what it looks like, signed out.
    ui.busy = false;
    ui.status = null;
    render();
    return;
  }
  if (error) {
    showError(error);
    return;
  }

  newGeneration();
  accessToken = tokens.access_token;
  idToken = tokens.id_token;
  if (await loadMe()) {
    await startSecurity(config.credentialsEndpoint, pending.action ? params.get('kc_action_status') : null, claims);
    render();
    // The screen the person was on before leaving for Keycloak (see start()), its heading focused.
    apply({ focus: true });
    if (pending.resume) {
      resume(pending.resume);
    }
  }
}

// --- Account ---------------------------------------------------------------------------

/** Reads who is signed in; true when the page shows them. */
async function loadMe() {
  ui.busy = true;
  ui.status = 'status.signingIn';
  render();
  let identity;
  try {
    identity = await apiJson(ME_URL);
  } catch (error) {
    const message = errorMessage(error);
    if (message) {
      showError(message);
    }
    return false;
  }
  if (!identity || typeof identity !== 'object') {
    showError({ key: 'error.generic' });
    return false;
  }
  me = identity;
  setAccount(me);
  ui.busy = false;
  ui.status = null;
  ui.error = null;
  startDocuments();
  render();
  return true;
}

/** The API refused the access token (expired, for example): back to the signed-out page. */
function sessionExpired() {
  forgetTokens();
  showError({ key: 'error.sessionExpired' });
  $('login-button').focus();
}

// --- Sign out --------------------------------------------------------------------------

function forgetTokens() {
  accessToken = null;
  idToken = null;
  me = null;
  newGeneration();
  setAccount(null);
  closeAllDialogs();
  resetDocuments();
  resetSecurity();
  resetMailSwitches();
  resetRelease();
  resetShares();
  resetShare();
  resetAccesses();
  resetReplace();
}

function logout() {
  const hint = idToken;
  // On a shared computer, a service's request left unanswered must not wait for the next person.
  forgetRequest();
  forgetTokens();
  ui.error = null;
  if (!config?.endSessionEndpoint) {
    ui.busy = false;
    render();
    return;
  }
  ui.busy = true;
  ui.status = 'status.signingOut';
  render();
  sessionStorage.setItem(SIGNED_OUT_KEY, '1');
  endSession(config, hint, currentLanguage());
}

// --- Step-up ---------------------------------------------------------------------------

let pendingStepUp = null;

/**
 * The API wants a stronger login before an act: the person reads first what will be asked and why, then chooses to
 * go on to Keycloak (« Continuer ») or not (« Annuler », focused first: nothing happens).
 */
function explainStepUp(acr, action) {
  pendingStepUp = { acr, action };
  renderStepUp();
  const opener = document.activeElement;
  openDialog($('stepup-dialog'), { returnFocus: () => opener, fallback: () => currentScreen()?.heading });
}

function renderStepUp() {
  if (pendingStepUp) {
    const act = STEP_UP_REASONS.includes(pendingStepUp.action?.action) ? pendingStepUp.action.action : 'default';
    $('stepup-reason').textContent = t(`stepup.reason.${act}`);
  }
}

function continueStepUp() {
  const asked = pendingStepUp;
  pendingStepUp = null;
  closeDialog($('stepup-dialog'));
  if (asked) {
    login({ acr: asked.acr, resume: asked.action });
  }
}

// --- Language --------------------------------------------------------------------------

async function switchLanguage(lang) {
  if (!isSupported(lang) || lang === currentLanguage()) {
    return;
  }
  await useLanguage(lang);
  render();
}

// --- Screens ---------------------------------------------------------------------------

function defineScreens() {
  defineScreen('documents', {
    path: '', section: $('documents'), heading: $('documents-title'), titleKey: 'docs.title', enter: enterDocuments,
  });
  defineScreen('release', {
    path: 'demande', section: $('release'), heading: $('release-title'), titleKey: 'release.title', enter: enterRelease,
  });
  defineScreen('shares', {
    path: 'partages', section: $('shares'), heading: $('shares-title'), titleKey: 'shares.title', enter: () => enterShares(),
  });
  defineScreen('share', {
    path: 'partager', section: $('share'), heading: $('share-title'), titleKey: 'share.title', enter: enterShare,
  });
  defineScreen('accesses', {
    path: 'documents/:id/consultations', section: $('accesses'), heading: $('accesses-title'), titleKey: 'accesses.title',
    enter: enterAccesses,
  });
  defineScreen('replace', {
    path: 'documents/:id/remplacer', section: $('replace'), heading: $('replace-title'), titleKey: 'replace.title',
    enter: enterReplace,
  });
  defineScreen('account', {
    path: 'compte', section: $('account'), heading: $('account-title'), titleKey: 'account.title', enter: enterMailSwitches,
  });
  defineScreen('security', { path: 'securite', section: $('security'), heading: $('security-title'), titleKey: 'security.title' });
}

/** A screen's fragment kept across the trip to Keycloak: "#/…" only, nothing else from sessionStorage is used. */
function routeOf(pending) {
  const route = typeof pending?.route === 'string' ? pending.route : '';
  return /^#\/[\w\-/%.]*$/.test(route) ? route : '';
}

/** Back from a step-up: the screen that asked does the act again, once. */
function resume(action) {
  const screen = typeof action?.screen === 'string' ? action.screen : 'documents';
  if (screen === 'documents') {
    resumeAction(action);
  } else if (screen === 'release') {
    resumeRelease(action);
  } else if (screen === 'shares') {
    resumeShares(action);
  } else if (screen === 'share') {
    resumeShare(action);
  }
}

// --- Start -----------------------------------------------------------------------------

async function start() {
  $('login-button').addEventListener('click', () => login());
  $('logout-button').addEventListener('click', logout);
  $('stepup-continue').addEventListener('click', continueStepUp);
  $('stepup-dialog').addEventListener('close', () => {
    pendingStepUp = null;
  });
  configureApi({
    token: () => accessToken,
    signedOut: sessionExpired,
    stepUp: explainStepUp,
  });
  wireDialogs();
  defineScreens();
  startRouter({ isSignedIn: signedInAndKnown, changed: renderTitle });
  initDocuments();
  initMailSwitches();
  initAccesses();
  initSecurity({ act: (action, acr) => login({ acr, action }) });
  initRelease();
  initShares();
  initShare();
  initReplace({ replaced: documentReplaced });
  for (const button of document.querySelectorAll('.lang-button')) {
    button.addEventListener('click', () => switchLanguage(button.dataset.lang));
  }
  // Back/forward cache: the page may come back after leaving for Keycloak.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) {
      redirecting = false;
      ui.busy = false;
      ui.status = null;
      render();
    }
  });

  const params = new URLSearchParams(window.location.search);
  const callback = isCallback(params);
  let pending = null;
  if (callback) {
    pending = takePendingLogin(PENDING_LOGIN_KEY);
    // The code is single use: take it out of the address bar and of the history.
    // Keycloak comes back to the page's own address: the screen the person was on is put back.
    window.history.replaceState(null, '', window.location.pathname + routeOf(pending));
    ui.busy = true;
    ui.status = 'status.signingIn';
    $('welcome').hidden = true;
  }
  // A service sent the person here with its request's handle ({portal}/?request_uri=…): the handle waits in
  // sessionStorage, out of the address bar and of the history, and the person signs in (at once when Keycloak still
  // knows them) to answer it on « Un service vous demande un document ».
  let request = false;
  if (!callback && params.has('request_uri')) {
    request = takeRequestFromAddress(params);
    window.history.replaceState(null, '', window.location.pathname + (request ? '#/demande' : ''));
  }

  // Anything else: is a Keycloak session still open (a reload, another tab)? Asked silently before the welcome shows,
  // so that it never offers « Se connecter » to whoever sits at a computer where someone is still signed in.
  const signedOut = !callback && !request && takeSignedOut();
  const silent = !callback && !request && !signedOut;
  if (silent) {
    ui.busy = true;
    ui.status = 'status.checkingSession';
  } else if (signedOut) {
    // Back from Keycloak's end-session endpoint: the session is over there too, nothing to ask.
    ui.status = 'status.signedOut';
  }

  const lang = pending && isSupported(pending.lang) ? pending.lang : preferredLanguage();
  const [cfg] = await Promise.all([configPromise, useLanguage(lang)]);
  render();
  if (!cfg) {
    showError({ key: 'error.config' });
    return;
  }
  if (callback) {
    await handleCallback(params, pending);
  } else if (request) {
    await login({ route: '#/demande' });
  } else if (silent) {
    await login({ silent: true });
  }
}

/** Reads and deletes (single use) the mark logout() left before leaving for Keycloak. */
function takeSignedOut() {
  const signedOut = sessionStorage.getItem(SIGNED_OUT_KEY) === '1';
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  return signedOut;
}

start().catch((error) => {
  console.error(error);
  showError({ key: 'error.generic' });
});
