// The relying party (src/auth/oidc-client.ts) against a real OpenID provider (dev/oidc-provider.ts,
// oidc-provider v8) over real HTTP: every redirect, cookie and form post is a request of its own.
import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginLogin, completeLogin, createOidcCache, discover, logoutUrl, OidcError } from '../../src/auth/oidc-client.ts';
import type { LoginRequest, OidcClientConfig, OidcErrorCode } from '../../src/auth/oidc-client.ts';
import { startDevOpenIdProvider } from '../../dev/oidc-provider.ts';
import type { DevOpenIdProvider } from '../../dev/oidc-provider.ts';
import { browse, CookieJar, formAction, hiddenFields } from './browser.ts';

const REDIRECT_URI = 'https://register.test/auth/callback';
const PUBLIC_REDIRECT_URI = 'https://register.test/public/callback';
// Characters that RFC 6749 §2.3.1 form-encoding must handle in HTTP Basic (space, +, :, %, &, =).
const CLIENT_SECRET = 'dev secret: a+b/c=d%e&f';
const SUKRU = { sub: 'pseudonym-sukru', givenName: 'Şükrü', familyName: 'Yılmaz', birthdate: '1994-03-07' };
const ANNA = { sub: 'pseudonym-anna', givenName: 'Anna', familyName: 'de Vries', birthdate: '2001-11-30' };

let provider: DevOpenIdProvider;
let config: OidcClientConfig;
let publicConfig: OidcClientConfig;

beforeAll(async () => {
  provider = await startDevOpenIdProvider({
    port: 0,
    clients: [
      { clientId: 'diploma-register', clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] },
      { clientId: 'diploma-register-public', redirectUris: [PUBLIC_REDIRECT_URI] },
    ],
    accounts: [SUKRU, ANNA],
  });
  config = { issuer: provider.issuer, clientId: 'diploma-register', clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };
  publicConfig = { issuer: provider.issuer, clientId: 'diploma-register-public', redirectUri: PUBLIC_REDIRECT_URI };
});

afterAll(async () => {
  await provider?.stop();
});

/** A person logging in through the provider's pages, in a fresh browser. */
async function loginInBrowser(
  login: LoginRequest,
  choice: { account: string } | 'cancel',
  redirectUri = REDIRECT_URI,
  jar = new CookieJar(),
): Promise<{ callbackUrl: string; loginPage: string }> {
  const page = await browse(jar, login.authorizationUrl, redirectUri);
  if (page.kind !== 'page' || page.status !== 200) throw new Error(`expected the login page, got ${JSON.stringify(page)}`);
  const lang = /<html lang="(\w+)"/.exec(page.html)?.[1];
  const submitText = choice === 'cancel' ? (lang === 'en' ? 'Cancel' : 'Annuleren') : lang === 'en' ? 'Log in' : 'Inloggen';
  const action = formAction(page.html, submitText, page.url);
  const form: Record<string, string> = choice === 'cancel' ? {} : { account: choice.account };
  const end = await browse(jar, action, redirectUri, { method: 'POST', form });
  if (end.kind !== 'redirected') throw new Error(`expected a redirect to the client, got ${JSON.stringify(end)}`);
  return { callbackUrl: end.url, loginPage: page.html };
}

async function expectOidcError(promise: Promise<unknown>, code: OidcErrorCode): Promise<OidcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OidcError);
  expect((error as OidcError).code).toBe(code);
  return error as OidcError;
}

/** fetch that records every URL and can rewrite the token endpoint's JSON answer. */
function interceptingFetch(rewriteTokenResponse?: (body: Record<string, unknown>) => Promise<Record<string, unknown>>) {
  const requested: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    requested.push(url);
    const response = await fetch(input, init);
    if (!rewriteTokenResponse || !url.endsWith('/token')) return response;
    const body = (await response.json()) as Record<string, unknown>;
    return new Response(JSON.stringify(await rewriteTokenResponse(body)), {
      status: response.status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { fetchImpl, requested };
}

describe('graduate login with OpenID Connect against the dev provider', () => {
  it('logs Şükrü in over the full code flow with PKCE and returns the verified ID token claims', async () => {
    const login = await beginLogin(config, { uiLocales: 'nl' });
    const url = new URL(login.authorizationUrl);
    expect(url.origin + url.pathname).toBe(`${provider.issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'diploma-register',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      state: login.state,
      nonce: login.nonce,
      code_challenge_method: 'S256',
      ui_locales: 'nl',
    });
    expect(login.codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(login.state).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(login.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([login.state, login.nonce, login.codeVerifier]).size).toBe(3);
    const independentChallenge = createHash('sha256').update(login.codeVerifier).digest('base64url');
    expect(url.searchParams.get('code_challenge')).toBe(independentChallenge);

    const { callbackUrl, loginPage } = await loginInBrowser(login, { account: SUKRU.sub });
    expect(loginPage).toMatch(/<html lang="nl">/);
    expect(loginPage).toContain('<title>Inloggen (ontwikkelomgeving)</title>');
    expect(loginPage).toContain('<h1>Inloggen (ontwikkelomgeving)</h1>');
    expect(loginPage).toContain('Şükrü Yılmaz');
    expect(loginPage).toContain('Anna de Vries');
    const radios = [...loginPage.matchAll(/<input type="radio" name="account" id="([^"]+)" value="([^"]+)"/g)];
    expect(radios.map((r) => r[2])).toEqual([SUKRU.sub, ANNA.sub]);
    for (const [, id] of radios) expect(loginPage).toContain(`<label for="${id}">`);
    expect(loginPage).toMatch(/<fieldset><legend>Testpersoon<\/legend>/);

    const callback = new URL(callbackUrl);
    expect(callback.searchParams.get('state')).toBe(login.state);
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const now = new Date();
    const result = await completeLogin(config, { callbackUrl, expected: login, now });
    expect(result.subject).toBe(SUKRU.sub);
    expect(result.idTokenClaims).toMatchObject({
      iss: provider.issuer,
      aud: 'diploma-register',
      sub: SUKRU.sub,
      nonce: login.nonce,
      given_name: 'Şükrü',
      family_name: 'Yılmaz',
      name: 'Şükrü Yılmaz',
      birthdate: '1994-03-07',
    });
    expect(result.expiresAt.getTime()).toBe(result.idTokenClaims.exp * 1000);
    expect(result.expiresAt.getTime()).toBeGreaterThan(now.getTime());
  });

  it('shows the login page in English when asked, and logs the second account in', async () => {
    const login = await beginLogin(config, { uiLocales: 'en' });
    const { callbackUrl, loginPage } = await loginInBrowser(login, { account: ANNA.sub });
    expect(loginPage).toMatch(/<html lang="en">/);
    expect(loginPage).toContain('<h1>Log in (development)</h1>');
    const result = await completeLogin(config, { callbackUrl, expected: login, now: new Date() });
    expect(result.subject).toBe(ANNA.sub);
    expect(result.idTokenClaims.given_name).toBe('Anna');
  });

  it('logs in as a public client (token endpoint auth none, PKCE only)', async () => {
    const login = await beginLogin(publicConfig);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub }, PUBLIC_REDIRECT_URI);
    const result = await completeLogin(publicConfig, { callbackUrl, expected: login, now: new Date() });
    expect(result.subject).toBe(SUKRU.sub);
    expect(result.idTokenClaims.aud).toBe('diploma-register-public');
  });

  it('verifies RS256 ID tokens as well as EdDSA ones (the dev provider signs with EdDSA by default)', async () => {
    const rsaProvider = await startDevOpenIdProvider({
      clients: [{ clientId: 'diploma-register', clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
      accounts: [SUKRU],
      idTokenSigningAlg: 'RS256',
    });
    try {
      const algs: string[] = [];
      const { fetchImpl } = interceptingFetch(async (body) => {
        algs.push(decodeProtectedHeader(body.id_token as string).alg ?? '');
        return body;
      });
      for (const issuer of [provider.issuer, rsaProvider.issuer]) {
        const rsaConfig = { ...config, issuer };
        const login = await beginLogin(rsaConfig);
        const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
        const result = await completeLogin(rsaConfig, { callbackUrl, expected: login, now: new Date(), fetchImpl });
        expect(result.idTokenClaims.iss).toBe(issuer);
        expect(result.idTokenClaims.given_name).toBe('Şükrü');
      }
      expect(algs).toEqual(['EdDSA', 'RS256']);
    } finally {
      await rsaProvider.stop();
    }
  });

  it('rejects a callback whose state is not the one this browser was given, without spending the code', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    const { fetchImpl, requested } = interceptingFetch();
    const otherState = (await beginLogin(config)).state;
    await expectOidcError(
      completeLogin(config, { callbackUrl, expected: { ...login, state: otherState }, now: new Date(), fetchImpl }),
      'OIDC_STATE_MISMATCH',
    );
    expect(requested.filter((u) => u.endsWith('/token'))).toEqual([]);
    // The code was not spent: the rightful completion still works.
    const result = await completeLogin(config, { callbackUrl, expected: login, now: new Date() });
    expect(result.subject).toBe(SUKRU.sub);
  });

  it('refuses a replayed authorization code at the token endpoint', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    await completeLogin(config, { callbackUrl, expected: login, now: new Date() });
    const error = await expectOidcError(
      completeLogin(config, { callbackUrl, expected: login, now: new Date() }),
      'OIDC_TOKEN_EXCHANGE_FAILED',
    );
    expect(error.providerError).toBe('invalid_grant');
  });

  it('the provider rejects a token exchange with the wrong code_verifier', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    const wrongVerifier = (await beginLogin(config)).codeVerifier;
    const error = await expectOidcError(
      completeLogin(config, { callbackUrl, expected: { ...login, codeVerifier: wrongVerifier }, now: new Date() }),
      'OIDC_TOKEN_EXCHANGE_FAILED',
    );
    expect(error.providerError).toBe('invalid_grant');
    // PKCE is checked before the code is spent, so the code was refused for the verifier alone:
    // with the right verifier it is still good.
    const result = await completeLogin(config, { callbackUrl, expected: login, now: new Date() });
    expect(result.subject).toBe(SUKRU.sub);
  });

  it('the provider refuses an authorization request without a code_challenge', async () => {
    const login = await beginLogin(config);
    const withoutPkce = new URL(login.authorizationUrl);
    withoutPkce.searchParams.delete('code_challenge');
    withoutPkce.searchParams.delete('code_challenge_method');
    const end = await browse(new CookieJar(), withoutPkce.href, REDIRECT_URI);
    expect(end.kind).toBe('redirected');
    const callback = new URL(end.kind === 'redirected' ? end.url : '');
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/requires PKCE/);
    const error = await expectOidcError(
      completeLogin(config, { callbackUrl: callback.href, expected: login, now: new Date() }),
      'OIDC_PROVIDER_ERROR',
    );
    expect(error.providerError).toBe('invalid_request');
  });

  it('rejects an ID token carrying another nonce', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    const otherNonce = (await beginLogin(config)).nonce;
    await expectOidcError(
      completeLogin(config, { callbackUrl, expected: { ...login, nonce: otherNonce }, now: new Date() }),
      'OIDC_NONCE_MISMATCH',
    );
  });

  it('rejects an ID token whose signature was altered in transit', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    let original = '';
    const { fetchImpl } = interceptingFetch(async (body) => {
      original = body.id_token as string;
      const [header, payload, signature] = original.split('.') as [string, string, string];
      const bytes = Buffer.from(signature, 'base64url');
      bytes[0]! ^= 0x01;
      return { ...body, id_token: `${header}.${payload}.${bytes.toString('base64url')}` };
    });
    const error = await expectOidcError(
      completeLogin(config, { callbackUrl, expected: login, now: new Date(), fetchImpl }),
      'OIDC_ID_TOKEN_INVALID',
    );
    expect(error.message).toMatch(/JWT signature verification failed/);
    // The untouched token was genuine: only the alteration made it fail.
    expect(decodeJwt(original).sub).toBe(SUKRU.sub);
  });

  it('rejects an ID token signed with HS256 using the client secret (algorithm confusion)', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    const { fetchImpl } = interceptingFetch(async (body) => {
      const claims = decodeJwt(body.id_token as string);
      const forged = await new SignJWT({ ...claims, sub: ANNA.sub })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(CLIENT_SECRET));
      return { ...body, id_token: forged };
    });
    const error = await expectOidcError(
      completeLogin(config, { callbackUrl, expected: login, now: new Date(), fetchImpl }),
      'OIDC_ID_TOKEN_INVALID',
    );
    expect(error.message).toMatch(/unexpected JWT "alg" header parameter/);
  });

  it('rejects an expired ID token (now far in the future)', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
    const error = await expectOidcError(
      completeLogin(config, { callbackUrl, expected: login, now: tomorrow }),
      'OIDC_ID_TOKEN_INVALID',
    );
    expect((error.cause as { code?: string }).code).toBe('OAUTH_JWT_TIMESTAMP_CHECK_FAILED');
    expect(error.message).toMatch(/"exp"/);
  });

  it('reports a cancelled login as a provider error access_denied', async () => {
    const login = await beginLogin(config, { uiLocales: 'en' });
    const { callbackUrl } = await loginInBrowser(login, 'cancel');
    const callback = new URL(callbackUrl);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.has('code')).toBe(false);
    const error = await expectOidcError(
      completeLogin(config, { callbackUrl, expected: login, now: new Date() }),
      'OIDC_PROVIDER_ERROR',
    );
    expect(error.providerError).toBe('access_denied');
    expect(error.providerErrorDescription).toBe('End-User aborted interaction');
  });

  it('checks state before trusting an error response', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, 'cancel');
    const otherState = (await beginLogin(config)).state;
    await expectOidcError(
      completeLogin(config, { callbackUrl, expected: { ...login, state: otherState }, now: new Date() }),
      'OIDC_STATE_MISMATCH',
    );
  });

  it('treats a missing login cookie (empty expected values) as a state mismatch, even for a stateless callback', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    const stateless = new URL(callbackUrl);
    stateless.searchParams.delete('state');
    await expectOidcError(
      completeLogin(config, {
        callbackUrl: stateless.href,
        expected: { state: '', nonce: '', codeVerifier: '' },
        now: new Date(),
      }),
      'OIDC_STATE_MISMATCH',
    );
  });

  it('rejects a callback that names another issuer (RFC 9207 mix-up defence)', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    const mixedUp = new URL(callbackUrl);
    mixedUp.searchParams.set('iss', 'https://other-idp.test');
    await expectOidcError(
      completeLogin(config, { callbackUrl: mixedUp.href, expected: login, now: new Date() }),
      'OIDC_CALLBACK_INVALID',
    );
  });
});

describe('the app clock and RP-initiated logout', () => {
  it('checks the ID token against the clock it is given, not the machine clock', async () => {
    const login = await beginLogin(config);
    const { callbackUrl } = await loginInBrowser(login, { account: SUKRU.sub });
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    // the token is fine by the machine clock; by the app's clock it was issued an hour from now
    const error = await expectOidcError(completeLogin(config, { callbackUrl, expected: login, now: anHourAgo }), 'OIDC_ID_TOKEN_INVALID');
    expect(error.message).toMatch(/iat/);
  });

  it('ends the provider session too: afterwards the provider asks for the account again', async () => {
    const jar = new CookieJar();
    const first = await beginLogin(config, { uiLocales: 'nl' });
    const { callbackUrl } = await loginInBrowser(first, { account: SUKRU.sub }, REDIRECT_URI, jar);
    const { idToken } = await completeLogin(config, { callbackUrl, expected: first, now: new Date() });

    // while the provider session lives, a new login comes straight back without a page
    const silent = await browse(jar, (await beginLogin(config)).authorizationUrl, REDIRECT_URI);
    expect(silent.kind).toBe('redirected');

    const url = new URL(
      (await logoutUrl(config, { idTokenHint: idToken, postLogoutRedirectUri: 'https://register.test/logged-out', state: 'logout-state', uiLocales: 'nl' }))!,
    );
    expect(url.origin + url.pathname).toBe(`${provider.issuer}/session/end`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id_token_hint: idToken,
      client_id: 'diploma-register',
      post_logout_redirect_uri: 'https://register.test/logged-out',
      state: 'logout-state',
      ui_locales: 'nl',
    });
    const ask = await browse(jar, url.href, 'https://register.test/');
    if (ask.kind !== 'page') throw new Error(`expected the provider's logout page, got ${JSON.stringify(ask)}`);
    expect(ask.html).toContain('<h1>Uitloggen (ontwikkelomgeving)</h1>');
    const back = await browse(jar, formAction(ask.html, 'Uitloggen', ask.url), 'https://register.test/', {
      method: 'POST',
      form: { ...hiddenFields(ask.html), logout: 'yes' },
    });
    expect(back).toEqual({ kind: 'redirected', url: 'https://register.test/logged-out?state=logout-state' });

    const again = await browse(jar, (await beginLogin(config)).authorizationUrl, REDIRECT_URI);
    expect(again.kind).toBe('page');
    expect(again.kind === 'page' && again.html).toContain('<fieldset><legend>Testpersoon</legend>');
  });
});

describe('discovery', () => {
  it('reads the provider metadata and caches it per issuer', async () => {
    const issuer = provider.issuer;
    const cache = createOidcCache();
    const metadata = await discover(issuer, fetch, cache);
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    const { fetchImpl, requested } = interceptingFetch();
    expect(await discover(issuer, fetchImpl, cache)).toBe(metadata);
    expect(requested).toEqual([]);
  });

  it('rejects a document that names another issuer', async () => {
    const issuer = 'https://idp.test';
    const fetchImpl: typeof fetch = async () =>
      Response.json({
        issuer: 'https://evil.test',
        authorization_endpoint: 'https://evil.test/auth',
        token_endpoint: 'https://evil.test/token',
        jwks_uri: 'https://evil.test/jwks',
      });
    const error = await expectOidcError(discover(issuer, fetchImpl), 'OIDC_DISCOVERY_FAILED');
    expect(error.message).toMatch(/evil\.test/);
  });

  it('reports an unreachable provider as OIDC_DISCOVERY_FAILED', async () => {
    const fetchImpl: typeof fetch = async () => new Response('not here', { status: 404 });
    await expectOidcError(discover('https://gone.test', fetchImpl), 'OIDC_DISCOVERY_FAILED');
    await expectOidcError(discover('http://idp.example.com'), 'OIDC_DISCOVERY_FAILED'); // plain http off loopback
  });
});
