// The one way the portal calls an API: bearer token, problem+json (RFC 9457) reading, the RFC 9470 step-up
// challenge, downloads and the document upload. The access token stays in portal.js (memory only): this module asks
// for it at each call.

import { currentLanguage, lookup } from './i18n.js';

// The page's public configuration: the portal's by default; another page built on these modules (the DPO console)
// names its own in <meta name="civis-config" content="…">.
const CONFIG_URL = document.querySelector('meta[name="civis-config"]')?.getAttribute('content') || '/portal/config';
export const DOCUMENTS_URL = '/api/v1/documents';

// Levels the portal knows how to ask Keycloak for, weakest first, as the realm's acr.loa.map names them (LevelTest in
// keycloak-extensions holds this list to it); any other value in a challenge is not followed.
const LEVELS = ['eidas1', 'eidas2', 'eidas3'];

let host = {
  token: () => null, // the current access token, or null when signed out
  signedOut: () => {}, // called when the API answers 401 without a step-up challenge
  stepUp: () => {}, // (acr, action): the API wants a stronger login before doing action (which is done again after)
};

/** Bumped at each sign-in and sign-out: answers to older requests are ignored. */
let generation = 0;

export function configureApi(options) {
  host = { ...host, ...options };
}

/** A new session starts (sign-in) or ends (sign-out): answers still on their way are forgotten. */
export function newGeneration() {
  generation += 1;
  return generation;
}

export function currentGeneration() {
  return generation;
}

/** The public configuration of the page (OIDC addresses, city, document types, size limit); null when unreadable. */
export const portalConfig = fetch(CONFIG_URL, { headers: { Accept: 'application/json' }, cache: 'no-store' })
  .then((response) => {
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    return response.json();
  })
  .catch((error) => {
    console.error('Cannot load the portal configuration', error);
    return null;
  });

export class ApiError extends Error {
  constructor({ status = 0, problem = null, network = false, signedOut = false, stepUp = null }) {
    super(network ? 'network' : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.network = network;
    this.signedOut = signedOut;
    this.stepUp = stepUp; // the level (acr) the API asks for, when it answered with a step-up challenge
  }

  /** The problem's stable code, if any. */
  get code() {
    return typeof this.problem?.code === 'string' ? this.problem.code : null;
  }
}

/**
 * The level an RFC 9470 challenge asks for: WWW-Authenticate: Bearer error="insufficient_user_authentication",
 * acr_values="eidas2". Null for any other 401 (expired or invalid token: the person must sign in again).
 */
export function stepUpLevel(header) {
  const params = {};
  for (const [, name, value] of String(header || '').matchAll(/([\w-]+)="([^"]*)"/g)) {
    params[name] = value;
  }
  if (params.error !== 'insufficient_user_authentication') {
    return null;
  }
  return String(params.acr_values || '').split(' ').find((acr) => LEVELS.includes(acr)) ?? null;
}

export function parseProblem(contentType, body) {
  if (!String(contentType || '').includes('json') || !body) {
    return null;
  }
  try {
    const problem = JSON.parse(body);
    return problem && typeof problem === 'object' ? problem : null;
  } catch {
    return null;
  }
}

async function readProblem(response) {
  try {
    return parseProblem(response.headers.get('Content-Type'), await response.text());
  } catch {
    return null;
  }
}

function signedOut() {
  return new ApiError({ status: 401, signedOut: true });
}

/**
 * Calls an API with the access token. Resolves with the response when it is a success; rejects with an ApiError
 * otherwise (signedOut: the token was refused and the page went back to signed out; stepUp: a stronger login is
 * needed first).
 */
export async function api(path, { method = 'GET', headers = {}, body, accept = 'application/json', json } = {}) {
  const token = host.token();
  if (!token) {
    throw signedOut();
  }
  const started = generation;
  const allHeaders = { Authorization: `Bearer ${token}`, Accept: accept, 'Accept-Language': currentLanguage(), ...headers };
  if (json !== undefined) {
    allHeaders['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: allHeaders,
      body: json !== undefined ? JSON.stringify(json) : body,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({ network: true });
  }
  if (started !== generation) {
    throw signedOut(); // signed out (or in again) meanwhile: forget this answer
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401) {
      const level = stepUpLevel(response.headers.get('WWW-Authenticate'));
      if (level) {
        // Still signed in: this act needs a stronger login, the caller decides what to do.
        throw new ApiError({ status: 401, problem, stepUp: level });
      }
      host.signedOut();
      throw signedOut();
    }
    throw new ApiError({ status: response.status, problem });
  }
  return response;
}

export async function readJson(response) {
  try {
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** api() then the JSON body (null when there is none). */
export async function apiJson(path, options) {
  return readJson(await api(path, options));
}

/**
 * The API asked for a stronger login before this act: the first time, the person goes through Keycloak and the act
 * is retried once back (true: nothing more to do here); after that retry, it is said instead of looping (false).
 * action: { screen, action, …what is needed to do it again } (no document, no token: it goes to sessionStorage).
 */
export function steppingUp(error, action) {
  if (!(error instanceof ApiError) || !error.stepUp || action.resumed) {
    return false;
  }
  host.stepUp(error.stepUp, { ...action, resumed: undefined });
  return true;
}

/** The message to show for a failed call; null when nothing should be shown (signed out). */
export function errorMessage(error, { notFound = null } = {}) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    return { key: 'error.generic' };
  }
  if (error.signedOut) {
    return null;
  }
  if (error.stepUp) {
    return { key: 'stepup.failed' };
  }
  if (error.network) {
    return { key: 'error.network' };
  }
  const code = error.code;
  // A missing address (service not there yet, document already gone) gets our own words.
  if (notFound && (error.status === 404 || error.status === 405) && (!code || code === 'not-found' || code === 'method-not-allowed')) {
    return { key: notFound };
  }
  const detail = error.problem?.detail;
  if (typeof detail === 'string' && detail.trim()) {
    return { text: detail };
  }
  if (code && lookup(`problem.${code}`) !== undefined) {
    return { key: `problem.${code}` };
  }
  const title = error.problem?.title;
  if (typeof title === 'string' && title.trim()) {
    return { text: title };
  }
  return { key: error.status === 503 ? 'problem.scanner-unavailable' : 'error.generic' };
}

/** Hands a downloaded file to the browser through a temporary link, then frees its memory. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the object URL after click() returns: free it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Reads a response's body as a file; a broken transfer is a network error. */
export async function responseBlob(response) {
  try {
    return await response.blob();
  } catch {
    throw new ApiError({ network: true });
  }
}

/**
 * Sends a document to the safe (multipart, XMLHttpRequest for the progress). form: the FormData (file, type, title,
 * validUntil); key: the Idempotency-Key, kept for retries; onProgress(percent); onSent(): all bytes are out, the safe
 * checks them. Returns { abort(), done } where done resolves with { doc } on success, { aborted }, { stale } (signed
 * out meanwhile), { signedOut }, or { error: ApiError, retry } (retry: the same key may be sent again). Null when
 * signed out.
 */
export function sendDocument(form, { key, onProgress = () => {}, onSent = () => {} }) {
  const token = host.token();
  if (!token) {
    host.signedOut();
    return null;
  }
  const started = generation;
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve) => {
    const finish = (outcome) => resolve(started === generation ? outcome : { stale: true });
    xhr.open('POST', DOCUMENTS_URL);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', currentLanguage());
    xhr.setRequestHeader('Idempotency-Key', key);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) {
        onProgress(Math.min(100, Math.floor((event.loaded / event.total) * 100)));
      }
    });
    xhr.upload.addEventListener('load', () => onSent());
    xhr.addEventListener('load', () => finish(uploadAnswer(xhr)));
    xhr.addEventListener('error', () => finish({ error: new ApiError({ network: true }), retry: true }));
    xhr.addEventListener('timeout', () => finish({ error: new ApiError({ network: true }), retry: true }));
    xhr.addEventListener('abort', () => finish({ aborted: true }));
  });
  xhr.send(form);
  return { abort: () => xhr.abort(), done };
}

function uploadAnswer(xhr) {
  if (xhr.status === 200 || xhr.status === 201) {
    let doc = null;
    try {
      doc = JSON.parse(xhr.responseText);
    } catch {
      doc = null;
    }
    return { doc };
  }
  if (xhr.status === 401) {
    host.signedOut();
    return { signedOut: true };
  }
  const problem = parseProblem(xhr.getResponseHeader('Content-Type'), xhr.responseText);
  // The server (or the network in between) was not ready: the same key may be sent again.
  return { error: new ApiError({ status: xhr.status, problem }), retry: [0, 408, 429, 502, 503, 504].includes(xhr.status) };
}

/** Follows an address the vault returned (never one read from the page's own address): http(s) only. */
export function followRedirect(address) {
  let url;
  try {
    url = new URL(String(address));
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return false;
  }
  window.location.assign(url.toString());
  return true;
}
