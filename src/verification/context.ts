// What the fragments of one verification share (fragments/*.ts): the moment, where keys, status
// lists and register entries come from (injected: the register-backed adapter is
// src/verifier/sources.ts), the PDF the credential came in if any, the checks found so far, and the
// facts several fragments read, each worked out once (the decoded token, the published keys).
import { DEFAULT_SKEW_SECONDS } from '../credentials/vc-jwt.ts';
import { createWebCryptoEd25519, type Ed25519Verifier } from '../credentials/ed25519.ts';
import { isDatabaseUnavailable } from '../lib/db-errors.ts';
import type { Check, CheckCode } from './checks.ts';
import { readCredential, type ReadCredential } from './fragments/format.ts';
import type { FragmentId, Gate } from './fragments/fragment.ts';
import type { PdfInspection } from './pdf-document.ts';
import type { StatusListCache } from './status-list-cache.ts';

/** The published JWKS (signing-keys/publication.ts), as far as the verifier needs it. */
export interface PublishedKeys {
  keys: Array<{ kid: string; x: string; status: 'active' | 'retired'; kty?: string; crv?: string }>;
  compromised: Array<{ kid: string; x: string; compromised_at: string; kty?: string; crv?: string }>;
}

export interface RegisterEntry {
  /** the register's own id of the extract (never shown; the verifier records "who looked" with it) */
  extractId?: string;
  /** the extract's state */
  state: 'active' | 'withdrawn' | 'revoked' | 'superseded';
  /** the diploma's state */
  diplomaState: 'valid' | 'corrected' | 'annulled';
  supersededBy?: { awardDate?: string };
}

export interface VerificationSources {
  /** our did:web; a credential naming any other issuer fails the issuer check */
  expectedIssuerDid: string;
  keys(): Promise<PublishedKeys>;
  /**
   * The status list credential served at `url`, as its signed vc+jwt; undefined (or a throw)
   * when it cannot be had. Never a cached copy older than its `ttl`: that is the source's job.
   */
  statusList(url: string): Promise<string | undefined>;
  /** the register's record of the credential (by its `id`, e.g. `urn:uuid:…`); undefined if none */
  register(credentialId: string): Promise<RegisterEntry | undefined>;
  /** verified lists kept between verifications (one per app, src/services.ts); without it each verification verifies its lists */
  statusListCache?: StatusListCache;
}

export interface VerifyOptions {
  now: Date;
  /** clock skew tolerance in seconds; default 300 (DESIGN §4) */
  skewSeconds?: number;
  /** how Ed25519 signatures are checked (credentials/ed25519.ts); Web Crypto by default */
  ed25519?: Ed25519Verifier;
}

/** The PDF entrance: the uploaded file, as pdf-document.ts read it. */
export interface PdfCarrier {
  inspection: PdfInspection;
  /** SHA-256 (hex) of the uploaded bytes */
  sha256: string;
  /** the registered SHA-256 of the PDF issued with a credential (pdf-upload.ts) */
  documentHash(credentialId: string): Promise<string | undefined>;
}

export interface VerificationContext {
  sources: VerificationSources;
  now: Date;
  skewSeconds: number;
  ed25519: Ed25519Verifier;
  /** set for the PDF entrance */
  pdf?: PdfCarrier;
  /** the credential's compact JWS, read once (fragments/format.ts) */
  token(): ReadCredential;
  /** the published keys, asked once; undefined when they cannot be had */
  keys(): Promise<PublishedKeys | undefined>;
  /** the check a fragment of this run reports (the orchestrator fills `checks`) */
  check(id: FragmentId): Promise<Check>;
  checks: Map<FragmentId, Promise<Check>>;
  /** the skip code each gate gives (fragments/fragment.ts), worked out once */
  gates: Map<Gate, Promise<CheckCode | undefined>>;
}

/** `jwt`: the credential to check (for a PDF, its attachment's text; undefined when it has none). */
export function createVerificationContext(jwt: unknown, sources: VerificationSources, opts: VerifyOptions, pdf?: PdfCarrier): VerificationContext {
  const skewSeconds = opts.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  if (Number.isNaN(opts.now.getTime()) || !(skewSeconds >= 0)) throw new TypeError('verifying needs a valid `now` and a non-negative skew');
  let token: ReadCredential | undefined;
  let keys: Promise<PublishedKeys | undefined> | undefined;
  const checks = new Map<FragmentId, Promise<Check>>();
  return {
    sources,
    now: opts.now,
    skewSeconds,
    ed25519: opts.ed25519 ?? createWebCryptoEd25519(),
    ...(pdf ? { pdf } : {}),
    token: () => (token ??= readCredential(jwt)),
    keys: () => (keys ??= sources.keys().then((published) => published, unlessDatabaseDown)),
    check: (id) => checks.get(id) ?? Promise.reject(new Error(`no fragment ${id} in this verification`)),
    checks,
    gates: new Map(),
  };
}

/**
 * The register's own database being down says nothing about the credential: that failure leaves
 * the verification (the service answers 503 DATABASE_UNAVAILABLE) instead of becoming a finding.
 */
export function unlessDatabaseDown(err: unknown): undefined {
  if (isDatabaseUnavailable(err)) throw err;
  return undefined;
}
