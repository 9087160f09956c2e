// A real OpenID provider (oidc-provider v8: v9 warns "Unsupported runtime" on Node 20, which the
// register supports) for development and tests: it stands in for DigiD / eIDAS. Its own small login
// page lists demo accounts and what each holds; consent is granted automatically. Node only.
//
//   tsx dev/oidc-provider.ts accounts.json     (PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
//                                                OIDC_REDIRECT_URIS from the environment)
import { generateKeyPair, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export interface DevOpenIdClient {
  clientId: string;
  /** without a secret the client is public and authenticates with PKCE alone */
  clientSecret?: string;
  redirectUris: string[];
  /** where RP-initiated logout may send the browser back to; default <redirect URI origin>/logged-out */
  postLogoutRedirectUris?: string[];
}

export interface DevOpenIdAccount {
  sub: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  birthdate: string;
  /** what the login page shows; default "given family (birthdate)" */
  label?: string;
  /** what the account holds in the register, shown under its name (dev/demo-accounts.ts) */
  holds?: { nl: string; en: string };
}

export interface DevOpenIdProviderOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  clients: DevOpenIdClient[];
  accounts: DevOpenIdAccount[];
  /** default EdDSA (Ed25519: a key in well under a millisecond; an RSA key takes 0.1–0.5 s) */
  idTokenSigningAlg?: IdTokenSigningAlg;
}

export type IdTokenSigningAlg = 'EdDSA' | 'RS256';

export interface DevOpenIdProvider {
  /** http://<host>:<port>, also the discovery base */
  issuer: string;
  stop(): Promise<void>;
}

// The part of oidc-provider's API this file uses.
interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: InteractionResult,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => Grant;
  Client: { find(clientId: string): Promise<unknown> };
  on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): void;
}
interface Interaction {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
  params: Record<string, string | undefined>;
  session?: { accountId?: string };
}
type InteractionResult =
  | { login?: { accountId: string }; consent?: { grantId: string } }
  | { error: string; error_description?: string };
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}
type AdapterPayload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string };

type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => Provider;

const PROFILE_CLAIMS = ['given_name', 'family_name', 'name', 'birthdate'];
const INTERACTION_PATH = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/;
const FORM_BODY_LIMIT = 8 * 1024;

export async function startDevOpenIdProvider(opts: DevOpenIdProviderOptions): Promise<DevOpenIdProvider> {
  const host = opts.host ?? '127.0.0.1';
  const accounts = new Map(opts.accounts.map((account) => [account.sub, account]));
  const signingAlg = opts.idTokenSigningAlg ?? 'EdDSA';
  const signingJwk = await generateSigningJwk(signingAlg);
  // loaded here, not at the top: the register's start reaches this file only without OIDC_ISSUER
  // @ts-ignore -- oidc-provider ships no type declarations; the part used here is typed above.
  const { default: OidcProvider } = (await import('oidc-provider')) as { default: ProviderClass };

  // Listen first: the issuer URL needs the port, and the provider needs the issuer.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${issuerHost(host)}:${port}`;

  let provider: Provider;
  try {
    provider = createProvider(OidcProvider, issuer, opts.clients, accounts, signingAlg, signingJwk);
    // oidc-provider validates client metadata on first use; fail at start instead.
    for (const client of opts.clients) await provider.Client.find(client.clientId);
  } catch (error) {
    server.close();
    throw error;
  }
  provider.on('server_error', (_ctx, error) => console.error('dev OpenID provider: server_error', error));

  const providerCallback = provider.callback();
  handle = (req, res) => {
    const match = INTERACTION_PATH.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!match) return providerCallback(req, res);
    handleInteraction(provider, accounts, req, res, match[1]!, match[2]).catch((error: unknown) => {
      const status = statusOf(error);
      if (status >= 500) console.error('dev OpenID provider: interaction failed', error);
      if (!res.headersSent) sendHtml(res, status, errorPage('interaction_failed', messageOf(error)));
    });
  };

  return {
    issuer,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function createProvider(
  ProviderClass: ProviderClass,
  issuer: string,
  clients: DevOpenIdClient[],
  accounts: Map<string, DevOpenIdAccount>,
  signingAlg: IdTokenSigningAlg,
  signingJwk: Record<string, unknown>,
): Provider {
  return new ProviderClass(issuer, {
    adapter: createMemoryAdapter(),
    clients: clients.map((client) => ({
      client_id: client.clientId,
      ...(client.clientSecret === undefined
        ? { token_endpoint_auth_method: 'none' }
        : { client_secret: client.clientSecret, token_endpoint_auth_method: 'client_secret_basic' }),
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris ?? client.redirectUris.map((uri) => new URL('/logged-out', uri).href),
      response_types: ['code'],
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: signingAlg,
    })),
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      profile: PROFILE_CLAIMS,
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
    },
    // Profile claims go into the ID token itself, not only to userinfo: the register reads them there.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true, logoutSource } },
    discovery: { ui_locales_supported: ['nl', 'en'] },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => claimsOf(account) };
    },
    clientBasedCORS: () => false,
    renderError: (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error ?? 'error', out.error_description ?? '');
    },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 5 * 60,
      IdToken: 5 * 60,
      Interaction: 10 * 60,
      Session: 10 * 60,
      Grant: 10 * 60,
    },
  });
}

async function handleInteraction(
  provider: Provider,
  accounts: Map<string, DevOpenIdAccount>,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  action: string | undefined,
): Promise<void> {
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) {
    return sendHtml(res, 400, errorPage('invalid_request', 'interaction mismatch'));
  }
  const lang = languageOf(interaction.params.ui_locales);

  if (action === undefined) {
    if (req.method !== 'GET') return sendHtml(res, 405, errorPage('invalid_request', 'method not allowed'));
    if (interaction.prompt.name === 'login') {
      return sendHtml(res, 200, loginPage(lang, uid, interaction.params.client_id ?? '', [...accounts.values()]));
    }
    // Already logged in here, only consent is missing: grant it, as a broker would.
    const accountId = interaction.session?.accountId;
    if (interaction.prompt.name !== 'consent' || !accountId) {
      return sendHtml(res, 400, errorPage('invalid_request', `unsupported prompt ${interaction.prompt.name}`));
    }
    const grantId = await grantRequested(provider, interaction, accountId);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  if (req.method !== 'POST') return sendHtml(res, 405, errorPage('invalid_request', 'method not allowed'));
  if (action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
  }
  const form = await readForm(req);
  const account = accounts.get(form.get('account') ?? '');
  if (!account || interaction.prompt.name !== 'login') {
    return sendHtml(res, 400, errorPage('invalid_request', 'choose one of the listed accounts'));
  }
  const grantId = await grantRequested(provider, interaction, account.sub);
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.sub }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

/** Consent, given automatically, for the scopes and claims the client asked for. */
async function grantRequested(provider: Provider, interaction: Interaction, accountId: string): Promise<string> {
  const grant = new provider.Grant({ accountId, clientId: interaction.params.client_id ?? '' });
  grant.addOIDCScope(interaction.prompt.details.missingOIDCScope?.join(' ') ?? interaction.params.scope ?? 'openid');
  if (interaction.prompt.details.missingOIDCClaims) grant.addOIDCClaims(interaction.prompt.details.missingOIDCClaims);
  return grant.save();
}

function claimsOf(account: DevOpenIdAccount): Record<string, string> {
  return {
    sub: account.sub,
    given_name: account.givenName,
    family_name: account.familyName,
    name: `${account.givenName} ${account.familyName}`,
    birthdate: account.birthdate,
  };
}

const text = {
  nl: {
    title: 'Inloggen (ontwikkelomgeving)',
    intro: 'Deze pagina vervangt DigiD en eIDAS, alleen in de ontwikkelomgeving. Kies een testpersoon.',
    client: 'Inloggen bij',
    legend: 'Testpersoon',
    born: 'geboren',
    submit: 'Inloggen',
    cancel: 'Annuleren',
    error: 'Er ging iets mis',
    logoutTitle: 'Uitloggen (ontwikkelomgeving)',
    logoutQuestion: 'Wilt u ook hier uitloggen? Daarna vraagt deze pagina weer welke testpersoon u bent.',
    logout: 'Uitloggen',
    stay: 'Ingelogd blijven',
  },
  en: {
    title: 'Log in (development)',
    intro: 'This page stands in for DigiD and eIDAS, in development only. Choose a test person.',
    client: 'Logging in to',
    legend: 'Test person',
    born: 'born',
    submit: 'Log in',
    cancel: 'Cancel',
    error: 'Something went wrong',
    logoutTitle: 'Log out (development)',
    logoutQuestion: 'Log out here as well? Afterwards this page asks again which test person you are.',
    logout: 'Log out',
    stay: 'Stay logged in',
  },
} as const;
type Language = keyof typeof text;

function loginPage(lang: Language, uid: string, clientId: string, accounts: DevOpenIdAccount[]): string {
  const t = text[lang];
  const options = accounts
    .map((account, index) => {
      const label = account.label ?? `${account.givenName} ${account.familyName} (${t.born} ${account.birthdate})`;
      const holds = account.holds ? `<span class="holds">${escapeHtml(account.holds[lang])}</span>` : '';
      return `<div class="option"><input type="radio" name="account" id="account-${index}" value="${escapeHtml(account.sub)}"${
        index === 0 ? ' checked' : ''
      }> <label for="account-${index}">${escapeHtml(label)}${holds}</label></div>`;
    })
    .join('\n');
  const base = `/interaction/${encodeURIComponent(uid)}`;
  return page(
    lang,
    t.title,
    `<h1>${t.title}</h1>
<p>${t.intro}</p>
<p>${t.client} <strong>${escapeHtml(clientId)}</strong></p>
<form method="post" action="${base}/login">
<fieldset><legend>${t.legend}</legend>
${options}
</fieldset>
<button type="submit">${t.submit}</button>
</form>
<form method="post" action="${base}/abort">
<button type="submit" class="secondary">${t.cancel}</button>
</form>`,
  );
}

/** RP-initiated logout asks before it ends the session here; `form` is oidc-provider's (with its xsrf field). */
async function logoutSource(ctx: { type: string; body: string; oidc: { params: { ui_locales?: string } } }, form: string): Promise<void> {
  const t = text[languageOf(ctx.oidc.params.ui_locales)];
  const buttons = `<button type="submit" name="logout" value="yes">${t.logout}</button> <button type="submit" class="secondary">${t.stay}</button>`;
  ctx.type = 'html';
  ctx.body = page(languageOf(ctx.oidc.params.ui_locales), t.logoutTitle, `<h1>${t.logoutTitle}</h1>
<p>${t.logoutQuestion}</p>
${form.replace('</form>', `${buttons}</form>`)}`);
}

function errorPage(error: string, description: string): string {
  return page(
    'en',
    text.en.error,
    `<h1>${text.en.error}</h1><p><code>${escapeHtml(error)}</code></p><p>${escapeHtml(description)}</p>`,
  );
}

function page(lang: Language, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
fieldset{border:1px solid #767676;padding:.5rem 1rem;margin:0 0 1rem}
.option{margin:.5rem 0;display:flex;gap:.5rem;align-items:baseline}
.holds{display:block;font-size:.9em;color:#444}
button{font:inherit;padding:.5rem 1rem;margin:0 0 .75rem;border:2px solid #154273;background:#154273;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#154273}
:focus-visible{outline:3px solid #ffb612;outline-offset:2px}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > FORM_BODY_LIMIT) throw Object.assign(new Error('form too large'), { statusCode: 413 });
  }
  return new URLSearchParams(body);
}

function languageOf(uiLocales: string | undefined): Language {
  const requested = (uiLocales ?? '').split(' ').map((tag) => tag.toLowerCase().split('-')[0]);
  return (requested.find((tag): tag is Language => tag === 'nl' || tag === 'en') ?? 'nl');
}

/**
 * oidc-provider's storage contract, in memory, one store per provider. Without it oidc-provider
 * uses its own memory adapter and warns about that on every start.
 */
function createMemoryAdapter() {
  const records = new Map<string, { payload: AdapterPayload; expiresAtMs: number }>();
  const live = (key: string) => {
    const record = records.get(key);
    if (record && record.expiresAtMs <= Date.now()) records.delete(key);
    return record && record.expiresAtMs > Date.now() ? record.payload : undefined;
  };
  const findWhere = (model: string, test: (payload: AdapterPayload) => boolean) => {
    for (const key of records.keys()) {
      const payload = key.startsWith(`${model}:`) ? live(key) : undefined;
      if (payload && test(payload)) return payload;
    }
    return undefined;
  };
  return (model: string) => ({
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      for (const key of records.keys()) live(key); // sweep the expired
      const expiresAtMs = expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      records.set(`${model}:${id}`, { payload, expiresAtMs });
    },
    async find(id: string) {
      return live(`${model}:${id}`);
    },
    async findByUid(uid: string) {
      return findWhere(model, (payload) => payload.uid === uid);
    },
    async findByUserCode(userCode: string) {
      return findWhere(model, (payload) => payload.userCode === userCode);
    },
    async consume(id: string) {
      const payload = live(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id: string) {
      records.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId: string) {
      for (const [key, record] of records) if (record.payload.grantId === grantId) records.delete(key);
    },
  });
}

/** A fresh key per start: nothing signed by an earlier run verifies against this one. */
async function generateSigningJwk(alg: IdTokenSigningAlg): Promise<Record<string, unknown>> {
  const { privateKey } =
    alg === 'EdDSA'
      ? await promisify(generateKeyPair)('ed25519')
      : await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: randomBytes(8).toString('base64url') };
}

function issuerHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function statusOf(error: unknown): number {
  const status = (error as { statusCode?: unknown; status?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function messageOf(error: unknown): string {
  const description = (error as { error_description?: unknown } | null)?.error_description;
  if (typeof description === 'string') return description;
  return error instanceof Error ? error.message : String(error);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function main(): Promise<void> {
  const accountsPath = process.argv[2];
  if (!accountsPath) {
    console.error('usage: tsx dev/oidc-provider.ts <accounts.json>');
    process.exit(2);
  }
  const accounts = JSON.parse(readFileSync(accountsPath, 'utf8')) as DevOpenIdAccount[];
  const port = Number(process.env.PORT ?? 4000);
  const redirectUris = (process.env.OIDC_REDIRECT_URIS ?? 'http://localhost:3000/auth/callback').split(/[ ,]+/);
  const clientSecret = process.env.OIDC_CLIENT_SECRET || undefined;
  const started = await startDevOpenIdProvider({
    port,
    host: process.env.HOST,
    accounts,
    clients: [{ clientId: process.env.OIDC_CLIENT_ID ?? 'diploma-register', clientSecret, redirectUris }],
  });
  console.log(`dev OpenID provider at ${started.issuer} (${accounts.length} accounts)`);
  const shutdown = () => void started.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

// a function, not top-level await: the built start (scripts/build.mjs) bundles this file and loads it lazily
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
