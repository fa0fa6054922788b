// Small helpers for OAuth 2.0 authorization code + PKCE (RFC 7636) in the browser.
// No dependency: Web Crypto only.

/** Encodes bytes as base64url without padding (RFC 4648 §5). */
export function base64UrlEncode(bytes) {
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url (with or without padding) to bytes. */
export function base64UrlDecode(text) {
  let b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  b64 += '='.repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(b64);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** True when the browser offers what PKCE S256 needs (secure context + Web Crypto). */
export function cryptoAvailable() {
  return Boolean(globalThis.crypto && crypto.getRandomValues && crypto.subtle && crypto.subtle.digest);
}

/** 32 random bytes (by default), base64url-encoded: used for code_verifier, state and nonce. */
export function randomToken(byteLength = 32) {
  const bytes = new Uint8Array(byteLength);
  crypto.getRandomValues(bytes);
  return base64UrlEncode(bytes);
}

/** code_challenge = base64url(SHA-256(ASCII(code_verifier))). */
export async function pkceChallenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64UrlEncode(new Uint8Array(digest));
}

/**
 * Decodes the payload of a compact JWS without checking its signature.
 * Only for tokens received directly from the token endpoint over TLS
 * (OpenID Connect Core §3.1.3.7, point 6).
 */
export function decodeJwtPayload(jwt) {
  const parts = typeof jwt === 'string' ? jwt.split('.') : [];
  if (parts.length !== 3) {
    throw new Error('Malformed JWT');
  }
  const json = new TextDecoder().decode(base64UrlDecode(parts[1]));
  return JSON.parse(json);
}
