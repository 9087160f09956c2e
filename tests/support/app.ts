// The real app over real HTTP: a node server on an ephemeral port, talked to with fetch.
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { serveNode } from '../../src/node/http-server.ts';
import { createNodeEd25519 } from '../../src/node/ed25519.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/clock.ts';
import { createMemoryLogger } from '../../src/logger.ts';
import type { AppDeps } from '../../src/deps.ts';
import type { OpenDatabase } from '../../db/open.ts';
import { TEST_NOW, TEST_PSEUDONYM_SECRET } from './constants.ts';

export interface RunningApp {
  app: App;
  url: string;
  logs: string[];
  clock: ReturnType<typeof fixedClock>;
  deps: AppDeps;
  /** the app's own services (built by createApp: a fresh set per test app) */
  services: App['services'];
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startApp(database: OpenDatabase, options: Partial<AppDeps> & { env?: Record<string, string>; port?: number } = {}): Promise<RunningApp> {
  const { env, port, ...overrides } = options;
  const logger = createMemoryLogger();
  const clock = fixedClock(TEST_NOW);
  const deps: AppDeps = {
    db: database.db,
    // the tests play many clients from one socket through the header a proxy would set
    config: loadConfig({ PUBLIC_BASE_URL: 'http://register.test', TRUSTED_CLIENT_IP_HEADER: 'cf-connecting-ip', ...env }),
    clock,
    logger,
    pseudonymSecret: TEST_PSEUDONYM_SECRET,
    pingDatabase: async () => void (await database.db.execute(sql`select 1`)),
    registerChanges: await database.changes(),
    // the Node entry's Ed25519 (node:crypto); the pipeline's own tests use Web Crypto
    ed25519: createNodeEd25519(),
    ...overrides,
  };
  const app = createApp(deps);
  const server = serveNode({ fetch: app.fetch, port: port ?? 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app,
    url,
    logs: logger.lines,
    clock,
    deps,
    services: app.services,
    fetch: (path, init) => fetch(url + path, init),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function testSigningKeyJwk(): JsonWebKey {
  return inject('signingKeyJwk');
}
