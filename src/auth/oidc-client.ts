// The relying-party side of OpenID Connect: authorization code flow with PKCE (S256), for the
// graduate login (DigiD / eIDAS through a broker in production, dev/oidc-provider.ts locally).
// Web APIs and jose only, so it runs in Node and in workerd alike. The caller keeps
// { state, nonce, codeVerifier } from beginLogin (e.g. in an encrypted, short-lived cookie) and
// hands them back to completeLogin; this module keeps no per-login state itself.
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { base64url, constantTimeEqual, randomToken } from '../lib/bytes.ts';

export interface OidcClientConfig {
  /** the Issuer Identifier, exactly as the provider's discovery document states it */
  issuer: string;
  clientId: string;
  /** absent for a public client, which then authenticates with PKCE alone (method `none`) */
  clientSecret?: string;
  redirectUri: string;
  /** default ['openid', 'profile']; `openid` is always sent */
  scopes?: string[];
  /**
   * How to authenticate at the token endpoint. Default: with a secret `client_secret_basic`
   * (the OAuth default) unless the provider advertises only `client_secret_post`; without a
   * secret `none`. Set it when the client is registered for one specific method.
   */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
}

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface OidcProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  scopes_supported?: string[];
  claims_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  ui_locales_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  [member: string]: unknown;
}

export interface LoginRequest {
  /** send the browser here (302/303) */
  authorizationUrl: string;
  /** keep these three for completeLogin, bound to this browser; never put them in a URL or log */
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface IdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce: string;
  given_name?: string;
  family_name?: string;
  name?: string;
  /** ISO 8601 YYYY-MM-DD (OIDC Core §5.1) */
  birthdate?: string;
  auth_time?: number;
  acr?: string;
  azp?: string;
}

export interface CompletedLogin {
  /** the provider's `sub` for this person */
  subject: string;
  idTokenClaims: IdTokenClaims;
  /** the ID token's `exp`; the app's own session lifetime is its own decision */
  expiresAt: Date;
}

export type OidcErrorCode =
  | 'OIDC_DISCOVERY_FAILED'
  | 'OIDC_CALLBACK_INVALID'
  | 'OIDC_STATE_MISMATCH'
  | 'OIDC_PROVIDER_ERROR'
  | 'OIDC_TOKEN_EXCHANGE_FAILED'
  | 'OIDC_ID_TOKEN_INVALID'
  | 'OIDC_NONCE_MISMATCH';

export class OidcError extends Error {
  readonly code: OidcErrorCode;
  /** the OAuth `error` value from the provider (callback or token endpoint), e.g. access_denied */
  readonly providerError?: string;
  readonly providerErrorDescription?: string;

  constructor(
    code: OidcErrorCode,
    message: string,
    options: { providerError?: string; providerErrorDescription?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OidcError';
    this.code = code;
    this.providerError = options.providerError;
    this.providerErrorDescription = options.providerErrorDescription;
  }
}

type FetchImpl = typeof fetch;

const DISCOVERY_TTL_MS = 10 * 60 * 1000;
/** clock skew accepted between us and the provider, for exp and iat */
const CLOCK_TOLERANCE_SECONDS = 60;
/** an ID token is minted during the token request, so it is seconds old when we see it */
const ID_TOKEN_MAX_AGE_SECONDS = 10 * 60;
/** asymmetric only: HS* would make the client secret a signing key, `none` is no signature */
const ACCEPTED_ID_TOKEN_ALGS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'];
const DEFAULT_SCOPES = ['openid', 'profile'];

const discoveryCache = new Map<string, { metadata: OidcProviderMetadata; expiresAtMs: number }>();
const jwksCache = new Map<string, JWTVerifyGetKey>();

/** The provider's metadata, cached per issuer for 10 minutes (by the real clock). */
export async function discover(issuer: string, fetchImpl: FetchImpl = fetch): Promise<OidcProviderMetadata> {
  const cached = discoveryCache.get(issuer);
  if (cached && cached.expiresAtMs > Date.now()) return cached.metadata;

  if (!isSecureOrLoopback(issuer)) {
    throw new OidcError('OIDC_DISCOVERY_FAILED', `issuer ${issuer} must be https (http only on loopback)`);
  }
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let document: unknown;
  try {
    const response = await fetchImpl(url, { headers: { Accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    document = await response.json();
  } catch (cause) {
    throw new OidcError('OIDC_DISCOVERY_FAILED', `could not read ${url}: ${messageOf(cause)}`, { cause });
  }
  const metadata = validateMetadata(document, issuer);
  discoveryCache.set(issuer, { metadata, expiresAtMs: Date.now() + DISCOVERY_TTL_MS });
  return metadata;
}

function validateMetadata(document: unknown, issuer: string): OidcProviderMetadata {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new OidcError('OIDC_DISCOVERY_FAILED', 'the discovery document is not a JSON object');
  }
  const metadata = document as Record<string, unknown>;
  // OIDC Discovery §4.3: the document's issuer must be identical to the one we asked for.
  if (metadata.issuer !== issuer) {
    throw new OidcError(
      'OIDC_DISCOVERY_FAILED',
      `the discovery document names issuer ${String(metadata.issuer)}, expected ${issuer}`,
    );
  }
  for (const member of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    const value = metadata[member];
    if (typeof value !== 'string' || !isSecureOrLoopback(value)) {
      throw new OidcError('OIDC_DISCOVERY_FAILED', `the discovery document has no usable ${member}`);
    }
  }
  return metadata as OidcProviderMetadata;
}

export async function beginLogin(
  config: OidcClientConfig,
  opts: { uiLocales?: 'nl' | 'en'; fetchImpl?: FetchImpl } = {},
): Promise<LoginRequest> {
  const metadata = await discover(config.issuer, opts.fetchImpl);
  const methods = metadata.code_challenge_methods_supported;
  if (methods && !methods.includes('S256')) {
    throw new OidcError('OIDC_DISCOVERY_FAILED', 'the provider does not support PKCE with S256');
  }

  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken(); // 32 bytes → 43 characters, RFC 7636 §4.1
  const codeChallenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier))),
  );

  const url = new URL(metadata.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', config.redirectUri);
  url.searchParams.set('scope', scopeFor(config));
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge', codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (opts.uiLocales) url.searchParams.set('ui_locales', opts.uiLocales);
  return { authorizationUrl: url.href, state, nonce, codeVerifier };
}

export async function completeLogin(
  config: OidcClientConfig,
  input: {
    /** the full URL the provider redirected the browser to */
    callbackUrl: string;
    expected: { state: string; nonce: string; codeVerifier: string };
    now: Date;
    fetchImpl?: FetchImpl;
  },
): Promise<CompletedLogin> {
  const { expected } = input;
  if (!expected.state || !expected.nonce || !expected.codeVerifier) {
    // A lost or missing login cookie must not turn into an empty expected state that matches.
    throw new OidcError('OIDC_STATE_MISMATCH', 'no login was begun in this browser');
  }
  const fetchImpl = input.fetchImpl ?? fetch;
  const metadata = await discover(config.issuer, fetchImpl);
  const code = readCallback(config, metadata, input.callbackUrl, expected.state);
  const idToken = await exchangeCode(config, metadata, code, expected.codeVerifier, fetchImpl);
  const claims = await verifyIdToken(config, metadata, idToken, expected.nonce, input.now, fetchImpl);
  return { subject: claims.sub, idTokenClaims: claims, expiresAt: new Date(claims.exp * 1000) };
}

/** Checks the authorization response and returns its code. */
function readCallback(
  config: OidcClientConfig,
  metadata: OidcProviderMetadata,
  callbackUrl: string,
  expectedState: string,
): string {
  let callback: URL;
  let redirect: URL;
  try {
    callback = new URL(callbackUrl);
    redirect = new URL(config.redirectUri);
  } catch (cause) {
    throw new OidcError('OIDC_CALLBACK_INVALID', 'the callback URL is not a URL', { cause });
  }
  if (callback.origin !== redirect.origin || callback.pathname !== redirect.pathname) {
    throw new OidcError('OIDC_CALLBACK_INVALID', 'the callback URL is not the configured redirect URI');
  }
  const params = callback.searchParams;

  // State first, so that a forged error response is reported as what it is.
  if (!constantTimeEqual(params.get('state') ?? '', expectedState)) {
    throw new OidcError('OIDC_STATE_MISMATCH', 'the state in the callback is not the one this browser was given');
  }
  // RFC 9207: the iss parameter defends against mix-up between providers.
  const iss = params.get('iss');
  if (iss !== null ? iss !== metadata.issuer : metadata.authorization_response_iss_parameter_supported === true) {
    throw new OidcError('OIDC_CALLBACK_INVALID', 'the callback does not come from the configured issuer');
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description') ?? undefined;
    throw new OidcError('OIDC_PROVIDER_ERROR', `the provider answered ${error}${description ? `: ${description}` : ''}`, {
      providerError: error,
      providerErrorDescription: description,
    });
  }
  const code = params.get('code');
  if (!code) throw new OidcError('OIDC_CALLBACK_INVALID', 'the callback carries neither a code nor an error');
  return code;
}

async function exchangeCode(
  config: OidcClientConfig,
  metadata: OidcProviderMetadata,
  code: string,
  codeVerifier: string,
  fetchImpl: FetchImpl,
): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: config.redirectUri,
    code_verifier: codeVerifier,
  });
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  const method = tokenEndpointAuthMethodFor(config, metadata);
  if (method === 'client_secret_basic') {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64'd.
    const credentials = `${formEncode(config.clientId)}:${formEncode(config.clientSecret ?? '')}`;
    headers.Authorization = `Basic ${btoa(credentials)}`;
  } else {
    body.set('client_id', config.clientId);
    if (method === 'client_secret_post') body.set('client_secret', config.clientSecret ?? '');
  }

  let response: Response;
  let payload: unknown;
  try {
    response = await fetchImpl(metadata.token_endpoint, { method: 'POST', headers, body, redirect: 'manual' });
    payload = await response.json();
  } catch (cause) {
    throw new OidcError('OIDC_TOKEN_EXCHANGE_FAILED', `the token endpoint did not answer usefully: ${messageOf(cause)}`, {
      cause,
    });
  }
  const tokens = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  if (response.status !== 200) {
    const error = typeof tokens.error === 'string' ? tokens.error : undefined;
    const description = typeof tokens.error_description === 'string' ? tokens.error_description : undefined;
    throw new OidcError(
      'OIDC_TOKEN_EXCHANGE_FAILED',
      `the token endpoint answered HTTP ${response.status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''}`,
      { providerError: error, providerErrorDescription: description },
    );
  }
  if (typeof tokens.id_token !== 'string') {
    throw new OidcError('OIDC_TOKEN_EXCHANGE_FAILED', 'the token response carries no id_token');
  }
  if (typeof tokens.token_type !== 'string' || tokens.token_type.toLowerCase() !== 'bearer') {
    throw new OidcError('OIDC_TOKEN_EXCHANGE_FAILED', 'the token response is not of token_type Bearer');
  }
  return tokens.id_token;
}

function tokenEndpointAuthMethodFor(config: OidcClientConfig, metadata: OidcProviderMetadata): TokenEndpointAuthMethod {
  if (config.tokenEndpointAuthMethod) return config.tokenEndpointAuthMethod;
  if (config.clientSecret === undefined) return 'none';
  // Absent from the metadata means client_secret_basic only (OIDC Discovery §3).
  const supported = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (!supported.includes('client_secret_basic') && supported.includes('client_secret_post')) return 'client_secret_post';
  return 'client_secret_basic';
}

async function verifyIdToken(
  config: OidcClientConfig,
  metadata: OidcProviderMetadata,
  idToken: string,
  expectedNonce: string,
  now: Date,
  fetchImpl: FetchImpl,
): Promise<IdTokenClaims> {
  // Absent from the metadata means RS256 (OIDC Core §15.1 requires providers to support it).
  const advertised = metadata.id_token_signing_alg_values_supported ?? ['RS256'];
  const algorithms = advertised.filter((alg) => ACCEPTED_ID_TOKEN_ALGS.includes(alg));
  if (algorithms.length === 0) {
    throw new OidcError('OIDC_ID_TOKEN_INVALID', `the provider signs ID tokens only with ${advertised.join(', ')}`);
  }

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, jwksFor(metadata.jwks_uri, fetchImpl), {
      issuer: metadata.issuer,
      audience: config.clientId,
      algorithms,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: ID_TOKEN_MAX_AGE_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat'],
    }));
  } catch (cause) {
    throw new OidcError('OIDC_ID_TOKEN_INVALID', `the ID token did not verify: ${messageOf(cause)}`, { cause });
  }

  // OIDC Core §3.1.3.7 items 4–5: with several audiences azp must be present; when present, it is us.
  const multipleAudiences = Array.isArray(payload.aud) && payload.aud.length > 1;
  if ((multipleAudiences || payload.azp !== undefined) && payload.azp !== config.clientId) {
    throw new OidcError('OIDC_ID_TOKEN_INVALID', 'the ID token was issued to another authorized party (azp)');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new OidcError('OIDC_ID_TOKEN_INVALID', 'the ID token has no subject');
  }
  if (typeof payload.nonce !== 'string' || !constantTimeEqual(payload.nonce, expectedNonce)) {
    throw new OidcError('OIDC_NONCE_MISMATCH', 'the nonce in the ID token is not the one this browser was given');
  }
  return payload as IdTokenClaims;
}

/** One remote key set per jwks_uri: jose caches the keys and refetches on an unknown kid. */
function jwksFor(jwksUri: string, fetchImpl: FetchImpl): JWTVerifyGetKey {
  let keySet = jwksCache.get(jwksUri);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUri), {
      [customFetch]: (url, options) => fetchImpl(url, options),
    });
    jwksCache.set(jwksUri, keySet);
  }
  return keySet;
}

function scopeFor(config: OidcClientConfig): string {
  const scopes = config.scopes ?? DEFAULT_SCOPES;
  return [...new Set(['openid', ...scopes])].join(' ');
}


function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function isSecureOrLoopback(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function messageOf(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
