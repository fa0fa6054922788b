// The OpenID Connect login of a page (authorization code + PKCE S256, public client), shared by the portal and the
// DPO console: leaving for Keycloak, reading its answer, exchanging the code, signing out. Tokens are returned to the
// page, which keeps them in memory only; code_verifier, state and nonce live in sessionStorage for the round trip
// and are deleted as soon as the callback is read (single use).

import { decodeJwtPayload, pkceChallenge, randomToken } from './oidc.js';

/** What Keycloak answers a silent request (prompt=none) when no session is open, or when it would need the person. */
const NO_SILENT_SESSION = ['login_required', 'interaction_required', 'consent_required', 'account_selection_required'];

/** Keycloak cannot be reached: the page says so in its own words rather than leave for the browser's error page. */
export class SignInUnavailable extends Error {}

/**
 * Leaves for Keycloak's login page. key: the sessionStorage key of this page's pending login; extra: what the page
 * wants back after the trip (language, route, act to resume: never a token); acr: the level to ask for (acr_values);
 * action: a Keycloak action to run (kc_action); lang: ui_locales; reason: why a second factor is asked
 * (civis_reason, shown on the code page); silent: only ask whether a session is open (prompt=none).
 */
export async function authorize(cfg, { key, extra = {}, acr = null, action = null, lang, reason = null, silent = false }) {
  try {
    // Keycloak answers its discovery document to any origin (CORS *): this fails only when it cannot be reached.
    await fetch(`${cfg.issuer}/.well-known/openid-configuration`, { cache: 'no-store', credentials: 'omit' });
  } catch {
    throw new SignInUnavailable('Keycloak cannot be reached');
  }
  const verifier = randomToken();
  const state = randomToken();
  const nonce = randomToken();
  const challenge = await pkceChallenge(verifier);
  sessionStorage.setItem(key, JSON.stringify({ ...extra, silent, state, nonce, verifier }));
  const url = new URL(cfg.authorizationEndpoint);
  const params = {
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: cfg.redirectUri,
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
    ui_locales: lang,
  };
  if (acr) {
    // Keycloak keeps the session's first factor and asks only for what the level adds.
    params.acr_values = acr;
  }
  if (reason) {
    params.civis_reason = reason;
  }
  if (action) {
    params.kc_action = action;
  }
  if (silent) {
    // Only asks whether a session is open: Keycloak answers at once, without showing any page.
    params.prompt = 'none';
  }
  for (const [name, value] of Object.entries(params)) {
    url.searchParams.set(name, value);
  }
  window.location.assign(url.toString());
}

/** Reads and deletes (single use) what authorize() stored before leaving for Keycloak. */
export function takePendingLogin(key) {
  try {
    const raw = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
    const pending = raw ? JSON.parse(raw) : null;
    return pending && typeof pending === 'object' ? pending : null;
  } catch {
    return null;
  }
}

export function isCallback(params) {
  return params.has('state') && (params.has('code') || params.has('error'));
}

/**
 * Checks Keycloak's answer and exchanges its code. Resolves with { tokens, claims } (access_token, id_token and the
 * ID token's claims), { noSession } when a silent request found no session open, or { error }: the i18n key (and
 * its parameters) of what to tell the person.
 */
export async function finishLogin(cfg, params, pending) {
  // 1. The response must answer the request this tab sent (CSRF / mix-up protection).
  if (!pending || typeof pending.state !== 'string' || params.get('state') !== pending.state) {
    return { error: { key: 'error.state' } };
  }
  // 2. It must come from our Keycloak realm (RFC 9207).
  if (params.get('iss') !== cfg.issuer) {
    return { error: { key: 'error.issuer' } };
  }
  // 3. Keycloak may answer with an error (for example when the person cancels).
  if (params.has('error')) {
    const code = params.get('error');
    if (pending.silent && NO_SILENT_SESSION.includes(code)) {
      return { noSession: true };
    }
    console.warn('Sign-in error', code, params.get('error_description'));
    return { error: code === 'access_denied' ? { key: 'error.cancelled' } : { key: 'error.loginFailed', params: { code } } };
  }

  // 4. Exchange the code for tokens.
  let response;
  try {
    response = await fetch(cfg.tokenEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: params.get('code'),
        redirect_uri: cfg.redirectUri,
        client_id: cfg.clientId,
        code_verifier: pending.verifier,
      }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    console.error('Token endpoint unreachable', error);
    return { error: { key: 'error.tokenNetwork' } };
  }
  let tokens = null;
  try {
    tokens = await response.json();
  } catch {
    tokens = null;
  }
  if (!response.ok || !tokens?.access_token || !tokens?.id_token) {
    const code = tokens?.error ?? `HTTP ${response.status}`;
    console.warn('Token request refused', code, tokens?.error_description);
    return { error: code === 'invalid_grant' ? { key: 'error.tokenRejected' } : { key: 'error.loginFailed', params: { code } } };
  }

  // 5. The ID token must be the one asked for by this tab (replay protection).
  let claims;
  try {
    claims = decodeJwtPayload(tokens.id_token);
  } catch {
    claims = null;
  }
  const audiences = Array.isArray(claims?.aud) ? claims.aud : [claims?.aud];
  if (
    !claims ||
    typeof pending.nonce !== 'string' ||
    claims.nonce !== pending.nonce ||
    claims.iss !== cfg.issuer ||
    !audiences.includes(cfg.clientId)
  ) {
    return { error: { key: 'error.nonce' } };
  }
  return { tokens, claims };
}

/** Ends the Keycloak session and comes back to the page signed out. */
export function endSession(cfg, idToken, lang) {
  const url = new URL(cfg.endSessionEndpoint);
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('post_logout_redirect_uri', cfg.redirectUri);
  if (idToken) {
    url.searchParams.set('id_token_hint', idToken);
  }
  url.searchParams.set('ui_locales', lang);
  window.location.assign(url.toString());
}
