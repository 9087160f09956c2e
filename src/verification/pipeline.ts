// The public verifier's pipeline (DESIGN §6): format → signature → issuer → status → validity →
// register. Each step is a small function returning one Check; the verdict is derived from the
// checks (checks.ts). Where the credential comes from (QR, extract number, PDF) and where keys,
// status lists and register entries come from are the caller's business: they are injected.
// Bad input never throws; it yields failed checks.
import {
  ACCEPTED_ALGS,
  CREDENTIAL_JWT_TYP,
  CredentialVerificationError,
  DEFAULT_SKEW_SECONDS,
  splitCredentialJwt,
  verifyCredentialJwt,
  type CredentialErrorCode,
  type CredentialJwtParts,
  type VerifyCredentialOptions,
} from '../credentials/vc-jwt.ts';
import type { Ed25519Verifier } from '../credentials/ed25519.ts';
import type { StatusPurpose } from '../credentials/status-list.ts';
import { deriveVerdict, type Check, type CheckCode, type CheckId, type CheckStatus, type Verdict } from './checks.ts';
import { findShapeViolation } from './credential-shape.ts';
import { CHECK_MESSAGES } from './messages.ts';
import { createStatusListCache, type VerifiedStatusList } from './status-list-cache.ts';

/** A real diploma vc+jwt is a few KB; anything far larger is refused before parsing. */
export const MAX_CREDENTIAL_JWT_LENGTH = 64 * 1024;

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
}

export interface VerifyOptions {
  now: Date;
  /** clock skew tolerance in seconds; default 300 (DESIGN §4) */
  skewSeconds?: number;
  /** how Ed25519 signatures are checked (credentials/ed25519.ts); Web Crypto by default */
  ed25519?: Ed25519Verifier;
}

export interface VerificationResult {
  verdict: Verdict;
  checks: Check[];
  /** the credential, only when its signature verified with one of our keys */
  credential?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------

function check(id: CheckId, status: CheckStatus, code: CheckCode, details?: Record<string, unknown>): Check {
  return { id, status, code, message: CHECK_MESSAGES[code], ...(details ? { details } : {}) };
}

const skipped = (ids: readonly CheckId[], code: CheckCode) => ids.map((id) => check(id, 'skipped', code));

export async function verifyCredential(jwt: string, sources: VerificationSources, opts: VerifyOptions): Promise<VerificationResult> {
  const skewSeconds = opts.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  if (Number.isNaN(opts.now.getTime()) || !(skewSeconds >= 0)) throw new TypeError('verifyCredential needs a valid `now` and a non-negative skew');

  const format = checkFormat(jwt);
  if (!format.decoded) {
    return result([format.check, ...skipped(['signature', 'issuer', 'status', 'validity', 'register'], 'SKIPPED_FORMAT_INVALID')]);
  }
  const { header, payload } = format.decoded;

  const keys = await sources.keys().then(
    (published) => published,
    () => undefined,
  );
  const key = keys && typeof header.kid === 'string' ? findKey(keys, header.kid) : undefined;

  const timing = { now: opts.now, skewSeconds, ...(opts.ed25519 ? { ed25519: opts.ed25519 } : {}) };
  const signature = await checkSignature(format.decoded, keys, key, timing);
  const issuer = checkIssuer(signature.check, payload, keys, key, sources.expectedIssuerDid);
  const before = [format.check, signature.check, issuer];

  const skip = skipCodeAfter(signature.check, issuer);
  if (skip) return result([...before, ...skipped(['status', 'validity', 'register'], skip)]);

  const [status, register] = await Promise.all([
    checkStatus(payload, sources, keys!, timing),
    checkRegister(payload, sources),
  ]);
  const validity = checkValidity(payload, signature.timeError, opts.now, skewSeconds);
  return result([...before, status, validity, register], payload);
}

function result(checks: Check[], credential?: Record<string, unknown>): VerificationResult {
  return { verdict: deriveVerdict(checks), checks, ...(credential ? { credential } : {}) };
}

function skipCodeAfter(signature: Check, issuer: Check): CheckCode | undefined {
  if (signature.status === 'failed') return 'SKIPPED_SIGNATURE_INVALID';
  if (issuer.code === 'KEYS_UNAVAILABLE') return 'SKIPPED_KEYS_UNAVAILABLE';
  if (issuer.code === 'KEY_UNKNOWN') return 'SKIPPED_KEY_UNKNOWN';
  if (issuer.status === 'failed' || signature.status !== 'passed') return 'SKIPPED_ISSUER_NOT_TRUSTED';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// format: a compact JWS with our header (typ vc+jwt, cty vc, no crit) and a VC 2.0 credential.
// The alg is the signature check's business: `none` or HS256 are attempts to get past the
// signature, not a malformed document.

function checkFormat(jwt: unknown): { check: Check; decoded?: CredentialJwtParts } {
  if (typeof jwt !== 'string') return { check: check('format', 'failed', 'FORMAT_INVALID', { reason: 'not a string' }) };
  if (jwt.length > MAX_CREDENTIAL_JWT_LENGTH) {
    return { check: check('format', 'failed', 'FORMAT_TOO_LARGE', { length: jwt.length, maxLength: MAX_CREDENTIAL_JWT_LENGTH }) };
  }
  let decoded: CredentialJwtParts;
  try {
    decoded = splitCredentialJwt(jwt);
  } catch (error) {
    return { check: check('format', 'failed', 'FORMAT_INVALID', { reason: reasonOf(error) }) };
  }
  const { typ, cty, crit } = decoded.header;
  if (typeof typ !== 'string' || !isMediaType(typ, CREDENTIAL_JWT_TYP)) {
    return { check: check('format', 'failed', 'FORMAT_HEADER_INVALID', { member: 'typ', expected: CREDENTIAL_JWT_TYP }) };
  }
  if (cty !== undefined && (typeof cty !== 'string' || !isMediaType(cty, 'vc'))) {
    return { check: check('format', 'failed', 'FORMAT_HEADER_INVALID', { member: 'cty', expected: 'vc' }) };
  }
  if (crit !== undefined) return { check: check('format', 'failed', 'FORMAT_HEADER_INVALID', { member: 'crit' }) };
  const violation = findShapeViolation(decoded.payload);
  if (violation) return { check: check('format', 'failed', 'FORMAT_CREDENTIAL_INVALID', { ...violation }) };
  return { check: check('format', 'passed', 'FORMAT_VALID'), decoded };
}

/** RFC 7515 §4.1.9: `typ`/`cty` may omit "application/" and compare case-insensitively. */
function isMediaType(value: string, expected: string): boolean {
  const v = value.toLowerCase();
  return v === expected || v === `application/${expected}`;
}

// ---------------------------------------------------------------------------------------------
// signature and issuer

type FoundKey =
  | { kind: 'active' | 'retired'; jwk: JsonWebKey }
  | { kind: 'compromised'; jwk: JsonWebKey; compromisedAt: string };

function findKey(keys: PublishedKeys, kid: string): FoundKey | undefined {
  const jwk = (x: string): JsonWebKey => ({ kty: 'OKP', crv: 'Ed25519', x });
  // a kid listed as compromised stays compromised even if it (wrongly) also appears under keys
  const bad = keys.compromised?.find((k) => k.kid === kid);
  if (bad) return { kind: 'compromised', jwk: jwk(bad.x), compromisedAt: bad.compromised_at };
  const good = keys.keys?.find((k) => k.kid === kid);
  if (good && (good.status === 'active' || good.status === 'retired')) return { kind: good.status, jwk: jwk(good.x) };
  return undefined;
}

type TimeErrorCode = Extract<CredentialErrorCode, 'CREDENTIAL_NOT_YET_VALID' | 'CREDENTIAL_EXPIRED'>;

async function checkSignature(
  jws: CredentialJwtParts,
  keys: PublishedKeys | undefined,
  key: FoundKey | undefined,
  opts: VerifyCredentialOptions & { skewSeconds: number },
): Promise<{ check: Check; timeError?: TimeErrorCode }> {
  const { header } = jws;
  if (!(ACCEPTED_ALGS as readonly string[]).includes(header.alg)) {
    return { check: check('signature', 'failed', 'SIGNATURE_ALG_UNSUPPORTED', { alg: String(header.alg).slice(0, 40) }) };
  }
  if (!keys) return { check: check('signature', 'skipped', 'SKIPPED_KEYS_UNAVAILABLE') };
  if (!key) return { check: check('signature', 'skipped', 'SKIPPED_KEY_UNKNOWN') };
  try {
    await verifyCredentialJwt(jws, async () => key.jwk, opts);
    return { check: check('signature', 'passed', 'SIGNATURE_VALID') };
  } catch (error) {
    const code = error instanceof CredentialVerificationError ? error.code : undefined;
    // vc-jwt checks the validity period only after the signature verified: the signature is
    // good, and the period is the validity check's finding, not this one's.
    if (code === 'CREDENTIAL_NOT_YET_VALID' || code === 'CREDENTIAL_EXPIRED') {
      return { check: check('signature', 'passed', 'SIGNATURE_VALID'), timeError: code };
    }
    if (code === 'CREDENTIAL_ALG_UNSUPPORTED') return { check: check('signature', 'failed', 'SIGNATURE_ALG_UNSUPPORTED') };
    // SIGNATURE_INVALID; also KEY_UNKNOWN for a published x that is no Ed25519 key, and any
    // format finding the format check did not anticipate: none of these is a valid signature
    return { check: check('signature', 'failed', 'SIGNATURE_INVALID', code && code !== 'CREDENTIAL_SIGNATURE_INVALID' ? { cause: code } : undefined) };
  }
}

function checkIssuer(
  signature: Check,
  payload: Record<string, unknown>,
  keys: PublishedKeys | undefined,
  key: FoundKey | undefined,
  expectedIssuerDid: string,
): Check {
  if (signature.status === 'failed') return check('issuer', 'skipped', 'SKIPPED_SIGNATURE_INVALID');
  if (!keys) return check('issuer', 'failed', 'KEYS_UNAVAILABLE');
  if (!key) return check('issuer', 'failed', 'KEY_UNKNOWN');
  if (key.kind === 'compromised') return check('issuer', 'failed', 'KEY_COMPROMISED', { compromisedAt: key.compromisedAt });
  const issuer = payload.issuer;
  const issuerId = typeof issuer === 'object' && issuer !== null ? (issuer as Record<string, unknown>).id : issuer;
  if (issuerId !== expectedIssuerDid) {
    return check('issuer', 'failed', 'ISSUER_MISMATCH', { issuer: String(issuerId).slice(0, 200), expected: expectedIssuerDid });
  }
  return key.kind === 'retired' ? check('issuer', 'passed', 'ISSUER_KEY_RETIRED') : check('issuer', 'passed', 'ISSUER_VALID');
}

// ---------------------------------------------------------------------------------------------
// status: both Bitstring Status List entries (our credentials always carry both); each list is a
// vc+jwt that must verify with one of our active or retired keys, name our DID as issuer, be the
// list the entry points at, and have the entry's purpose. Anything short of that: unknown.
// Verified lists are kept by their signed text (status-list-cache.ts): the source is still asked
// every time, and a list it hands back again is not verified and unzipped again.

const statusListCache = createStatusListCache();

type PurposeState =
  | { purpose: StatusPurpose; state: 'set' | 'clear' }
  | { purpose: StatusPurpose; state: 'unknown'; reason: string };

async function checkStatus(
  payload: Record<string, unknown>,
  sources: VerificationSources,
  keys: PublishedKeys,
  opts: VerifyCredentialOptions & { skewSeconds: number },
): Promise<Check> {
  const entries = Array.isArray(payload.credentialStatus) ? payload.credentialStatus : [payload.credentialStatus];
  const states = await Promise.all(
    (['revocation', 'suspension'] as const).map((purpose) => purposeState(purpose, entries, sources, keys, opts)),
  );
  const details = { lists: states };
  const of = (purpose: StatusPurpose) => states.find((s) => s.purpose === purpose)!;
  if (of('revocation').state === 'set') return check('status', 'failed', 'STATUS_REVOKED', details);
  if (of('suspension').state === 'set') return check('status', 'failed', 'STATUS_SUSPENDED', details);
  if (states.some((s) => s.state === 'unknown')) return check('status', 'failed', 'STATUS_UNKNOWN', details);
  return check('status', 'passed', 'STATUS_VALID', details);
}

async function purposeState(
  purpose: StatusPurpose,
  entries: unknown[],
  sources: VerificationSources,
  keys: PublishedKeys,
  opts: VerifyCredentialOptions & { skewSeconds: number },
): Promise<PurposeState> {
  const unknown = (reason: string): PurposeState => ({ purpose, state: 'unknown', reason });
  const matching = entries.filter(
    (e): e is Record<string, unknown> =>
      typeof e === 'object' && e !== null && (e as Record<string, unknown>).type === 'BitstringStatusListEntry' && (e as Record<string, unknown>).statusPurpose === purpose,
  );
  if (matching.length !== 1) return unknown(matching.length ? 'several entries' : 'no entry');
  const entry = matching[0]!;
  const url = entry.statusListCredential;
  const indexText = entry.statusListIndex;
  if (typeof url !== 'string' || typeof indexText !== 'string' || !/^\d{1,10}$/.test(indexText)) return unknown('malformed entry');
  const index = Number(indexText);

  const listJwt = await sources.statusList(url).then(
    (jwt) => jwt,
    () => undefined,
  );
  if (typeof listJwt !== 'string') return unknown('list unreachable');

  let verified: VerifiedStatusList;
  try {
    verified = await statusListCache.verify(listJwt, (kid) => trustedListKey(keys, kid), opts);
  } catch {
    return unknown('list signature');
  }
  const list = verified.credential;
  const type = list.type;
  const subject = list.credentialSubject as Record<string, unknown> | undefined;
  if (
    !Array.isArray(type) ||
    !type.includes('BitstringStatusListCredential') ||
    list.issuer !== sources.expectedIssuerDid ||
    list.id !== url ||
    typeof subject !== 'object' ||
    subject === null ||
    subject.statusPurpose !== purpose
  ) {
    return unknown('list does not match the entry');
  }
  try {
    const bits = await verified.bitstring();
    return { purpose, state: bits.get(index) ? 'set' : 'clear' };
  } catch {
    return unknown('list unreadable or index out of range');
  }
}

/** Status lists count only when signed by a key we still trust (active or retired). */
function trustedListKey(keys: PublishedKeys, kid: string): JsonWebKey | undefined {
  const key = findKey(keys, kid);
  return key && key.kind !== 'compromised' ? key.jwk : undefined;
}

// ---------------------------------------------------------------------------------------------
// validity: validFrom/validUntil (and JWT nbf/exp, as vc-jwt reads them) with ±skew

function checkValidity(payload: Record<string, unknown>, timeError: TimeErrorCode | undefined, now: Date, skewSeconds: number): Check {
  const at = (member: string, unit = 1): number | undefined => {
    const value = payload[member];
    if (typeof value === 'string') return Date.parse(value);
    if (typeof value === 'number') return value * unit;
    return undefined;
  };
  const starts = [at('validFrom'), at('nbf', 1000)].filter((t): t is number => t !== undefined);
  const ends = [at('validUntil'), at('exp', 1000)].filter((t): t is number => t !== undefined);
  const notBefore = starts.length ? Math.max(...starts) : undefined;
  const notAfter = ends.length ? Math.min(...ends) : undefined;
  const details = {
    ...(notBefore !== undefined ? { validFrom: new Date(notBefore).toISOString() } : {}),
    ...(notAfter !== undefined ? { validUntil: new Date(notAfter).toISOString() } : {}),
    skewSeconds,
  };
  const t = now.getTime();
  const skewMs = skewSeconds * 1000;
  if (timeError === 'CREDENTIAL_NOT_YET_VALID' || (notBefore !== undefined && t + skewMs < notBefore)) {
    return check('validity', 'failed', 'NOT_YET_VALID', details);
  }
  if (timeError === 'CREDENTIAL_EXPIRED' || (notAfter !== undefined && t - skewMs > notAfter)) {
    return check('validity', 'failed', 'EXPIRED', details);
  }
  const withinSkew = (notBefore !== undefined && t < notBefore) || (notAfter !== undefined && t > notAfter);
  return check('validity', 'passed', 'VALIDITY_VALID', withinSkew ? { ...details, withinClockSkew: true } : details);
}

// ---------------------------------------------------------------------------------------------
// register: the extract is still the current one for a diploma that is still valid

async function checkRegister(payload: Record<string, unknown>, sources: VerificationSources): Promise<Check> {
  const id = payload.id;
  if (typeof id !== 'string') return check('register', 'failed', 'REGISTER_UNKNOWN', { reason: 'the credential has no id' });
  let entry: RegisterEntry | undefined;
  try {
    entry = await sources.register(id);
  } catch {
    return check('register', 'failed', 'REGISTER_UNAVAILABLE');
  }
  if (!entry) return check('register', 'failed', 'REGISTER_UNKNOWN');
  const details = { state: entry.state, diplomaState: entry.diplomaState };
  switch (entry.state) {
    case 'superseded':
      return check('register', 'failed', 'REGISTER_SUPERSEDED', { ...details, ...(entry.supersededBy ? { supersededBy: entry.supersededBy } : {}) });
    case 'withdrawn':
      return check('register', 'failed', 'REGISTER_WITHDRAWN', details);
    case 'revoked':
      return check('register', 'failed', 'REGISTER_REVOKED', details);
    case 'active':
      // an active extract of a diploma that changed meanwhile (the revocation has not landed yet)
      if (entry.diplomaState === 'corrected') return check('register', 'failed', 'REGISTER_SUPERSEDED', details);
      if (entry.diplomaState === 'annulled') return check('register', 'failed', 'REGISTER_REVOKED', details);
      if (entry.diplomaState === 'valid') return check('register', 'passed', 'REGISTER_ACTIVE', details);
      return check('register', 'failed', 'REGISTER_UNAVAILABLE', details);
    default:
      return check('register', 'failed', 'REGISTER_UNAVAILABLE', details);
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : 'unreadable';
}
