// Node entry (npm start): PGlite in .data/ by default, PostgreSQL when DATABASE_URL is set.
// On first start it creates dev keys, migrates, seeds the demo register and prints where to go.
// `npm start` runs it built (scripts/build.mjs → dist/node.js): loading the sources through tsx
// took most of a restart.
import { serveStatic } from '@hono/node-server/serve-static';
import { sql } from 'drizzle-orm';
import { loadConfig, ConfigError } from './config.ts';
import { createApp } from './app.ts';
import { createLogger } from './logger.ts';
import { systemClock } from './clock.ts';
import { openDatabase } from '../db/open.ts';
import { bootstrapRegister } from '../db/bootstrap.ts';
import { ensureDevKeys, readSigningKeys } from '../keys/dev-keys.ts';
import { loadDocumentAssets, loadPreviousSealCertificates, loadSealKey } from '../keys/document-assets.ts';
import { serveNode } from './node/http-server.ts';
import { createNodeEd25519 } from './node/ed25519.ts';

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const keys = await ensureDevKeys(config.keysDir);
  // read before the database opens: a bad file stops the start with a ConfigError, never silently
  const previousSealCertificates = config.sealPreviousCertsFile ? loadPreviousSealCertificates(config.sealPreviousCertsFile) : undefined;
  const database = await openDatabase(
    // a statement still running after 15 s is cancelled and answered 503 (migrations are exempt)
    config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, statementTimeoutMs: 15_000 } : { kind: 'pglite', dataDir: config.pgliteDataDir },
  );
  const boot = await bootstrapRegister(database, {
    signingKeys: keys.signingKeys,
    pseudonymSecret: config.pseudonymSecret ?? keys.pseudonymSecret,
    now: systemClock.now(),
    demo: true,
  });
  for (const w of boot.warnings) logger.warn('bootstrap.warning', { warning: w });

  if (!config.oidc && config.publicBaseUrl.startsWith('https:')) {
    throw new ConfigError(['OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: required when PUBLIC_BASE_URL is https (the development login is for local use only)']);
  }
  const oidc = config.oidc ? { client: config.oidc, dev: false, stop: undefined } : await startDevLogin(database, config);
  const app = createApp({
    oidc: oidc.client,
    db: database.db,
    config,
    clock: systemClock,
    logger,
    pseudonymSecret: config.pseudonymSecret ?? keys.pseudonymSecret,
    pingDatabase: async () => void (await database.db.execute(sql`select 1`)),
    staticAssets: serveStatic({ root: './public' }),
    registerChanges: await database.changes(),
    ed25519: createNodeEd25519(),
    signingKeys: new Map(keys.signingKeys.map((k) => [k.kid, k])),
    // a key activated while the service runs (npm run keys:rotate beside it) is read from keys/ then
    loadSigningKeys: () => readSigningKeys(config.keysDir),
    documents: { seal: await loadSealKey(keys.seal), assets: await loadDocumentAssets(), ...(previousSealCertificates ? { previousSealCertificates } : {}) },
  });

  // the message only: what fails here is the connection, and a message names no person
  const onError = (error: unknown) => logger.warn('http.connection_failed', { error: error instanceof Error ? error.message : String(error) });
  const server = serveNode({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0', onError }, () => {
    const base = config.publicBaseUrl;
    const lines = [
      '',
      `Diplomaregister is running on ${database.where} (ready in ${Math.round(process.uptime() * 1000)} ms since the process started)`,
      ...(keys.created.length ? [`  created local keys: ${keys.created.join(', ')}`] : []),
      ...(boot.seeded
        ? [
            `  demo register created: ${boot.seeded.holders} holders, ${boot.seeded.records} feed records`,
            `  demo feed API key for ${boot.seeded.demoApiKey.name} (${boot.seeded.demoApiKey.brin}), shown once:`,
            `    ${boot.seeded.demoApiKey.key}`,
          ]
        : []),
      `  home           ${base}/`,
      `  health         ${base}/health`,
      `  API reference  ${base}/docs   (OpenAPI: ${base}/openapi.json)`,
      `  keys           ${base}/.well-known/jwks.json   ${base}/.well-known/did.json`,
      `  portal         ${base}/portal/   (login: ${oidc.dev ? `development OpenID provider at ${oidc.client.issuer}` : oidc.client.issuer})`,
      `  signing key    ${boot.activeKid ?? '(none active)'}`,
      '',
    ];
    console.log(lines.join('\n'));
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info('shutdown', { signal });
    server.close();
    await oidc.stop?.();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * Development login: a real OpenID provider on OIDC_DEV_PORT whose accounts are demo holders (it
 * stands in for DigiD / eIDAS). Production sets OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.
 */
async function startDevLogin(database: Awaited<ReturnType<typeof openDatabase>>, config: ReturnType<typeof loadConfig>) {
  const [{ startDevOpenIdProvider }, { demoAccounts }] = await Promise.all([import('../dev/oidc-provider.ts'), import('../dev/demo-accounts.ts')]);
  const clientSecret = crypto.randomUUID();
  const provider = await startDevOpenIdProvider({
    port: config.oidcDevPort,
    host: '127.0.0.1',
    clients: [{ clientId: 'diploma-register-dev', clientSecret, redirectUris: [`${config.publicBaseUrl}/auth/callback`] }],
    accounts: await demoAccounts(database.db),
  });
  return { client: { issuer: provider.issuer, clientId: 'diploma-register-dev', clientSecret }, dev: true, stop: provider.stop };
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('The service could not start:', err);
  }
  process.exit(1);
});
