// The relying-party side of OpenID Connect for the graduate login (DigiD / eIDAS through a broker in
// production, dev/oidc-provider.ts locally): authorization code flow with PKCE (S256), nonce and
// the RFC 9207 `iss` check, and RP-initiated logout. The protocol steps are oauth4webapi's (Web
// APIs only: Node and workerd alike); this file adds the register's policy (which algorithms, the
// app's clock, the app-scoped caches) and turns failures into OidcError codes. The caller keeps
// { state, nonce, codeVerifier } from beginLogin and hands them back to completeLogin.
import * as oauth from 'oauth4webapi';
import { constantTimeEqual } from '../lib/bytes.ts';
import { RegisterError } from '../errors.ts';

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

export type OidcProviderMetadata = oauth.AuthorizationServer;

export interface LoginRequest {
  /** send the browser here (302/303) */
  authorizationUrl: string;
  /** keep these three for completeLogin, bound to this browser; never put them in a URL or log */
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface IdTokenClaims extends oauth.IDToken {
  nonce: string;
  given_name?: string;
  family_name?: string;
  name?: string;
  /** ISO 8601 YYYY-MM-DD (OIDC Core §5.1) */
  birthdate?: string;
}

export interface CompletedLogin {
  /** the provider's `sub` for this person */
  subject: string;
  idTokenClaims: IdTokenClaims;
  /** the ID token itself: the `id_token_hint` when this person logs out */
  idToken: string;
  /** the ID token's `exp`; the app's own session lifetime is its own decision */
  expiresAt: Date;
}

export const OIDC_ERROR_CODES = [
  'OIDC_DISCOVERY_FAILED',
  'OIDC_CALLBACK_INVALID',
  'OIDC_STATE_MISMATCH',
  'OIDC_PROVIDER_ERROR',
  'OIDC_TOKEN_EXCHANGE_FAILED',
  'OIDC_ID_TOKEN_INVALID',
  'OIDC_NONCE_MISMATCH',
] as const;
export type OidcErrorCode = (typeof OIDC_ERROR_CODES)[number];

export class OidcError extends RegisterError {
  static readonly codes = OIDC_ERROR_CODES;
  override readonly code: OidcErrorCode;
  /** the OAuth `error` value from the provider (callback or token endpoint), e.g. access_denied */
  readonly providerError?: string;
  readonly providerErrorDescription?: string;

  constructor(
    code: OidcErrorCode,
    message: string,
    options: { providerError?: string; providerErrorDescription?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.providerError = options.providerError;
    this.providerErrorDescription = options.providerErrorDescription;
  }
}

type FetchImpl = typeof fetch;

const DISCOVERY_TTL_MS = 10 * 60 * 1000;
/** clock skew accepted between us and the provider, for exp, nbf and iat */
const CLOCK_TOLERANCE_SECONDS = 60;
/** an ID token is minted during the token request, so it is seconds old when we see it */
const ID_TOKEN_MAX_AGE_SECONDS = 10 * 60;
/** asymmetric only: HS* would make the client secret a signing key, `none` is no signature */
const ACCEPTED_ID_TOKEN_ALGS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'];
const DEFAULT_SCOPES = ['openid', 'profile'];

/** What the client keeps between logins: one per app (src/services.ts). Without one, each login discovers afresh. */
export interface OidcCache {
  discovery: Map<string, { metadata: OidcProviderMetadata; expiresAtMs: number }>;
  /** oauth4webapi's JWKS cache, per jwks_uri (it refetches on an unknown kid and after 5 minutes) */
  jwks: Map<string, oauth.JWKSCacheInput>;
}

export const createOidcCache = (): OidcCache => ({ discovery: new Map(), jwks: new Map() });

/** fetch as oauth4webapi calls it; plain http only for a provider on this machine (development). */
function httpOptions(issuer: string, fetchImpl: FetchImpl) {
  return {
    [oauth.customFetch]: (url: string, init: RequestInit) => fetchImpl(url, init),
    [oauth.allowInsecureRequests]: new URL(issuer).protocol === 'http:',
  };
}

/**
 * The provider's metadata, cached per issuer for 10 minutes (by the real clock) in `cache`; the
 * ID token algorithms it advertises are narrowed to the asymmetric ones we accept.
 */
export async function discover(issuer: string, fetchImpl: FetchImpl = fetch, cache: OidcCache = createOidcCache()): Promise<OidcProviderMetadata> {
  const cached = cache.discovery.get(issuer);
  if (cached && cached.expiresAtMs > Date.now()) return cached.metadata;
  if (!isSecureOrLoopback(issuer)) {
    throw new OidcError('OIDC_DISCOVERY_FAILED', `issuer ${issuer} must be https (http only on loopback)`);
  }
  let metadata: OidcProviderMetadata;
  try {
    const response = await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oidc', ...httpOptions(issuer, fetchImpl) });
    // OIDC Discovery §4.3: the document's issuer must be identical to the one we asked for.
    metadata = await oauth.processDiscoveryResponse(new URL(issuer), response);
  } catch (cause) {
    const named = (cause as { cause?: { body?: { issuer?: unknown } } }).cause?.body?.issuer;
    const detail = typeof named === 'string' && named !== issuer ? `it names issuer ${named}` : messageOf(cause);
    throw new OidcError('OIDC_DISCOVERY_FAILED', `could not use the discovery document of ${issuer}: ${detail}`, { cause });
  }
  for (const member of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    const value = metadata[member];
    if (typeof value !== 'string' || !isSecureOrLoopback(value)) {
      throw new OidcError('OIDC_DISCOVERY_FAILED', `the discovery document has no usable ${member}`);
    }
  }
  // Absent from the metadata means RS256 (OIDC Core §15.1 requires providers to support it).
  const advertised = metadata.id_token_signing_alg_values_supported ?? ['RS256'];
  const algorithms = advertised.filter((alg) => ACCEPTED_ID_TOKEN_ALGS.includes(alg));
  if (algorithms.length === 0) {
    throw new OidcError('OIDC_DISCOVERY_FAILED', `the provider signs ID tokens only with ${advertised.join(', ')}`);
  }
  metadata = { ...metadata, id_token_signing_alg_values_supported: algorithms };
  cache.discovery.set(issuer, { metadata, expiresAtMs: Date.now() + DISCOVERY_TTL_MS });
  return metadata;
}

export async function beginLogin(
  config: OidcClientConfig,
  opts: { uiLocales?: 'nl' | 'en'; fetchImpl?: FetchImpl; cache?: OidcCache } = {},
): Promise<LoginRequest> {
  const metadata = await discover(config.issuer, opts.fetchImpl, opts.cache);
  const methods = metadata.code_challenge_methods_supported;
  if (methods && !methods.includes('S256')) {
    throw new OidcError('OIDC_DISCOVERY_FAILED', 'the provider does not support PKCE with S256');
  }
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const codeVerifier = oauth.generateRandomCodeVerifier(); // 32 bytes → 43 characters, RFC 7636 §4.1

  const url = new URL(metadata.authorization_endpoint!);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', config.redirectUri);
  url.searchParams.set('scope', [...new Set(['openid', ...(config.scopes ?? DEFAULT_SCOPES)])].join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
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
    /** the app's clock: ID token times are checked against it */
    now: Date;
    fetchImpl?: FetchImpl;
    cache?: OidcCache;
  },
): Promise<CompletedLogin> {
  const { expected, now } = input;
  if (!expected.state || !expected.nonce || !expected.codeVerifier) {
    // A lost or missing login cookie must not turn into an empty expected state that matches.
    throw new OidcError('OIDC_STATE_MISMATCH', 'no login was begun in this browser');
  }
  const fetchImpl = input.fetchImpl ?? fetch;
  const cache = input.cache ?? createOidcCache();
  const as = await discover(config.issuer, fetchImpl, cache);
  const client: oauth.Client = {
    client_id: config.clientId,
    // oauth4webapi reads the time as Date.now() + clockSkew: this makes it the app's clock
    [oauth.clockSkew]: Math.round((now.getTime() - Date.now()) / 1000),
    [oauth.clockTolerance]: CLOCK_TOLERANCE_SECONDS,
  };
  const params = readCallback(config, as, client, input.callbackUrl, expected.state);
  const http = httpOptions(config.issuer, fetchImpl);

  let response: Response;
  let idToken: string;
  let claims: IdTokenClaims;
  try {
    response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth(config, as), params, config.redirectUri, expected.codeVerifier, http);
  } catch (cause) {
    throw new OidcError('OIDC_TOKEN_EXCHANGE_FAILED', `the token endpoint did not answer: ${messageOf(cause)}`, { cause });
  }
  try {
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: expected.nonce, requireIdToken: true });
    if (tokens.token_type !== 'bearer') throw new OidcError('OIDC_TOKEN_EXCHANGE_FAILED', 'the token response is not of token_type Bearer');
    idToken = tokens.id_token!;
    claims = oauth.getValidatedIdTokenClaims(tokens) as IdTokenClaims;
  } catch (cause) {
    throw tokenResponseError(cause);
  }
  try {
    // Over TLS this is optional (OIDC Core §3.1.3.7 item 6); we check it, so a key is what we trust.
    await oauth.validateApplicationLevelSignature(as, response, { ...http, [oauth.jwksCache]: jwksCacheFor(as, cache) });
  } catch (cause) {
    throw new OidcError('OIDC_ID_TOKEN_INVALID', `the ID token did not verify: ${messageOf(cause)}`, { cause });
  }
  const nowSeconds = now.getTime() / 1000;
  if (claims.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS || claims.iat < nowSeconds - ID_TOKEN_MAX_AGE_SECONDS) {
    throw new OidcError('OIDC_ID_TOKEN_INVALID', 'the ID token was not issued just now (iat)');
  }
  // OIDC Core §3.1.3.7 item 5: when azp is present, it is us (oauth4webapi checks it with several audiences).
  if (claims.azp !== undefined && claims.azp !== config.clientId) {
    throw new OidcError('OIDC_ID_TOKEN_INVALID', 'the ID token was issued to another authorized party (azp)');
  }
  if (claims.sub === '') throw new OidcError('OIDC_ID_TOKEN_INVALID', 'the ID token has no subject');
  return { subject: claims.sub, idTokenClaims: claims, idToken, expiresAt: new Date(claims.exp * 1000) };
}

/**
 * Where to send the browser so the provider ends its session too (OpenID Connect RP-Initiated
 * Logout 1.0 §2), or undefined when the provider offers no end_session_endpoint.
 */
export async function logoutUrl(
  config: OidcClientConfig,
  opts: { idTokenHint?: string; postLogoutRedirectUri: string; state: string; uiLocales?: 'nl' | 'en'; fetchImpl?: FetchImpl; cache?: OidcCache },
): Promise<string | undefined> {
  const metadata = await discover(config.issuer, opts.fetchImpl, opts.cache);
  const endpoint = metadata.end_session_endpoint;
  if (typeof endpoint !== 'string' || !isSecureOrLoopback(endpoint)) return undefined;
  const url = new URL(endpoint);
  if (opts.idTokenHint) url.searchParams.set('id_token_hint', opts.idTokenHint);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('post_logout_redirect_uri', opts.postLogoutRedirectUri);
  url.searchParams.set('state', opts.state);
  if (opts.uiLocales) url.searchParams.set('ui_locales', opts.uiLocales);
  return url.href;
}

/** Checks the authorization response (state first, then RFC 9207 `iss`, then error) and returns its parameters. */
function readCallback(config: OidcClientConfig, as: OidcProviderMetadata, client: oauth.Client, callbackUrl: string, expectedState: string): URLSearchParams {
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
  // State first, so that a forged error response is reported as what it is.
  if (!constantTimeEqual(callback.searchParams.get('state') ?? '', expectedState)) {
    throw new OidcError('OIDC_STATE_MISMATCH', 'the state in the callback is not the one this browser was given');
  }
  try {
    return oauth.validateAuthResponse(as, client, callback.searchParams, expectedState);
  } catch (cause) {
    if (cause instanceof oauth.AuthorizationResponseError) {
      const description = cause.error_description;
      throw new OidcError('OIDC_PROVIDER_ERROR', `the provider answered ${cause.error}${description ? `: ${description}` : ''}`, {
        providerError: cause.error,
        providerErrorDescription: description,
        cause,
      });
    }
    throw new OidcError('OIDC_CALLBACK_INVALID', `the callback is not usable: ${messageOf(cause)}`, { cause });
  }
}

function tokenResponseError(cause: unknown): OidcError {
  if (cause instanceof OidcError) return cause;
  if (cause instanceof oauth.ResponseBodyError) {
    const description = cause.error_description;
    return new OidcError(
      'OIDC_TOKEN_EXCHANGE_FAILED',
      `the token endpoint answered HTTP ${cause.status} ${cause.error}${description ? `: ${description}` : ''}`,
      { providerError: cause.error, providerErrorDescription: description, cause },
    );
  }
  // A failed check on the ID token carries the token's header or claims; anything else is the response.
  const detail = (cause as { cause?: { claim?: unknown; claims?: unknown; header?: unknown } }).cause;
  if (detail?.claim === 'nonce') {
    return new OidcError('OIDC_NONCE_MISMATCH', 'the nonce in the ID token is not the one this browser was given', { cause });
  }
  if (cause instanceof oauth.UnsupportedOperationError || detail?.claims !== undefined || detail?.header !== undefined) {
    return new OidcError('OIDC_ID_TOKEN_INVALID', `the ID token did not verify: ${messageOf(cause)}`, { cause });
  }
  return new OidcError('OIDC_TOKEN_EXCHANGE_FAILED', `the token response is not usable: ${messageOf(cause)}`, { cause });
}

function clientAuth(config: OidcClientConfig, as: OidcProviderMetadata): oauth.ClientAuth {
  const method = tokenEndpointAuthMethodFor(config, as);
  if (method === 'none') return oauth.None();
  // RFC 6749 §2.3.1 form-encoding of id and secret in the Basic header is oauth4webapi's.
  return method === 'client_secret_post' ? oauth.ClientSecretPost(config.clientSecret ?? '') : oauth.ClientSecretBasic(config.clientSecret ?? '');
}

function tokenEndpointAuthMethodFor(config: OidcClientConfig, as: OidcProviderMetadata): TokenEndpointAuthMethod {
  if (config.tokenEndpointAuthMethod) return config.tokenEndpointAuthMethod;
  if (config.clientSecret === undefined) return 'none';
  // Absent from the metadata means client_secret_basic only (OIDC Discovery §3).
  const supported = as.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (!supported.includes('client_secret_basic') && supported.includes('client_secret_post')) return 'client_secret_post';
  return 'client_secret_basic';
}

/** oauth4webapi fills this object in place; keeping it per jwks_uri in the app's cache keeps the keys between logins. */
function jwksCacheFor(as: OidcProviderMetadata, cache: OidcCache): oauth.JWKSCacheInput {
  let entry = cache.jwks.get(as.jwks_uri!);
  if (!entry) cache.jwks.set(as.jwks_uri!, (entry = {}));
  return entry;
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
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
