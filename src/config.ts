// The service's configuration, read once from the environment (process.env in Node, bindings in
// Workers) and validated here. Nothing else reads the environment.
import { z } from 'zod';
import { RegisterError } from './errors.ts';

const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    PUBLIC_BASE_URL: z.url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
    KEYS_DIR: z.string().min(1).default('keys'),
    /** a PEM file with the seal certificates used before the current one (after a renewal), read once at start */
    SEAL_PREVIOUS_CERTS: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** bytes accepted in a JSON request body */
    BODY_LIMIT: z.coerce.number().int().positive().default(1024 * 1024),
    /** bytes accepted in a bulk NDJSON feed request (10,000 records) */
    BULK_BODY_LIMIT: z.coerce.number().int().positive().default(32 * 1024 * 1024),
    /** the largest PDF the verifier accepts (bytes); the request may carry 64 KiB of form around it */
    UPLOAD_LIMIT: z.coerce.number().int().positive().default(5 * 1024 * 1024),
    /** verifications per client and minute on the open verification API and the QR entrance (0: no limit, e.g. for the bench) */
    VERIFY_RATE_LIMIT: z.coerce.number().int().min(0).default(300),
    /** the header a reverse proxy in front of the Node server sets to the client's address (e.g. x-real-ip); unset: the socket's address */
    TRUSTED_CLIENT_IP_HEADER: z.string().regex(/^[a-z0-9-]+$/i).optional(),
    /** OpenID provider for graduate login; unset in development: the Node entry starts a local one */
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** port of the development OpenID provider (default PORT + 1) */
    OIDC_DEV_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    SESSION_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    /** secret for deriving pseudonymous subject ids from a BSN (HMAC-SHA-256), ≥ 32 chars */
    PSEUDONYM_SECRET: z.string().min(32).optional(),
  })
  .transform((env) => {
    const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
    return {
      port: env.PORT,
      publicBaseUrl,
      databaseUrl: env.DATABASE_URL,
      pgliteDataDir: env.PGLITE_DATA_DIR,
      keysDir: env.KEYS_DIR,
      sealPreviousCertsFile: env.SEAL_PREVIOUS_CERTS,
      logLevel: env.LOG_LEVEL,
      bodyLimit: env.BODY_LIMIT,
      bulkBodyLimit: env.BULK_BODY_LIMIT,
      uploadLimit: env.UPLOAD_LIMIT,
      verifyRateLimit: env.VERIFY_RATE_LIMIT,
      trustedClientIpHeader: env.TRUSTED_CLIENT_IP_HEADER?.toLowerCase(),
      pseudonymSecret: env.PSEUDONYM_SECRET,
      oidc: env.OIDC_ISSUER && env.OIDC_CLIENT_ID ? { issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET } : undefined,
      oidcDevPort: env.OIDC_DEV_PORT ?? env.PORT + 1,
      sessionTtlMinutes: env.SESSION_TTL_MINUTES,
      /** did:web of the register, from the public host (port percent-encoded, as did:web requires) */
      did: didWebFor(publicBaseUrl),
    };
  });

export type Config = z.output<typeof configSchema>;

export class ConfigError extends RegisterError {
  static override readonly code = 'CONFIG_INVALID';
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
  }
}

export function loadConfig(env: Record<string, unknown>): Config {
  const picked = Object.fromEntries(
    Object.keys(configSchema.in.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}

export function didWebFor(baseUrl: string): string {
  const u = new URL(baseUrl);
  const host = u.port ? `${u.hostname}%3A${u.port}` : u.hostname;
  const path = u.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  return ['did:web', host, ...path].join(':');
}
