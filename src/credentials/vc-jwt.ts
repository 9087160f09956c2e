// VC-JOSE-COSE: a credential secured as a compact JWS (`application/vc+jwt`). The payload is the
// credential itself (no `vc`/`vp` wrapper, no duplicated JWT claims: validFrom/validUntil/issuer
// are the only source of truth). Signing through Web Crypto, imported keys cached (an import costs
// about as much as the signature); verifying through an Ed25519Verifier (ed25519.ts). This is the
// one file with JWS code; its header rules are written once (jwsHeaderFindings).
//
// Why not jose's compactVerify (kept by measurement): `npx tsx bench/jws-verify.ts` (N=20,000,
// 3 interleaved rounds, median CPU µs per verification of a 2 KB diploma vc+jwt, 2 × AMD EPYC,
// Node 20.20, 2026-12-07, machine shared with other jobs, so CPU time, not wall time, two runs):
//   whole verification   ours + node:crypto 88–99 · ours + Web Crypto 110–120 (×1.21–1.26)
//                        jose compactVerify + the same VC rules 126–129 (×1.30–1.44)
//   signature step only  ours + node:crypto 73–76 · ours + Web Crypto 87–100 (×1.19–1.31)
//                        jose compactVerify 102–106 (×1.39–1.40)
// jose runs on Web Crypto only, so the Node entry would lose node:crypto, and it decodes the token
// again after the verifier's format check has (header and payload are read before the signature).
// jose's base64url: Web APIs only, and about 2.5× faster than lib/bytes' on a 2 KB payload (hot path)
import { base64url } from 'jose';
import type { SigningKeyPair } from '../signing-keys/signing-key.ts';
import { VC_V2_CONTEXT_URL } from './context.ts';
import { createWebCryptoEd25519, InvalidEd25519KeyError, type Ed25519Verifier } from './ed25519.ts';
import { RegisterError } from '../errors.ts';

export const CREDENTIAL_JWT_TYP = 'vc+jwt';
/** RFC 8037 `EdDSA`, and RFC 9864's fully specified `Ed25519`. */
export const ACCEPTED_ALGS = ['EdDSA', 'Ed25519'] as const;
export type AcceptedAlg = (typeof ACCEPTED_ALGS)[number];
export const DEFAULT_SKEW_SECONDS = 300;

/** vc-jwt's own error codes: thrown to its callers, which turn them into check codes; never an HTTP problem. */
export const CREDENTIAL_ERROR_CODES = [
  'CREDENTIAL_FORMAT_INVALID',
  'CREDENTIAL_ALG_UNSUPPORTED',
  'CREDENTIAL_TYP_INVALID',
  'CREDENTIAL_KEY_UNKNOWN',
  'CREDENTIAL_SIGNATURE_INVALID',
  'CREDENTIAL_NOT_YET_VALID',
  'CREDENTIAL_EXPIRED',
  // nbf/exp not a NumericDate a clock can reach (a string, 1e300, beyond ±8.64e12 s): thrown after the signature verified
  'CREDENTIAL_TIME_INVALID',
] as const;
export type CredentialErrorCode = (typeof CREDENTIAL_ERROR_CODES)[number];

export class CredentialVerificationError extends RegisterError {
  static readonly codes = CREDENTIAL_ERROR_CODES;
  override readonly code: CredentialErrorCode;
  constructor(code: CredentialErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The input is not a compact JWS with a JSON header and a JSON object payload. */
export class CredentialFormatError extends CredentialVerificationError {
  constructor(message: string) {
    super('CREDENTIAL_FORMAT_INVALID', message);
    this.name = 'CredentialFormatError';
  }
}

export interface CredentialJwtHeader {
  alg: string;
  typ?: string;
  cty?: string;
  kid?: string;
  crit?: unknown;
  [member: string]: unknown;
}

export interface DecodedCredentialJwt {
  header: CredentialJwtHeader;
  payload: Record<string, unknown>;
}

export interface VerifiedCredentialJwt {
  header: CredentialJwtHeader & { alg: AcceptedAlg; kid: string };
  /** the verified credential (the JWS payload) */
  credential: Record<string, unknown>;
  kid: string;
  validFrom?: Date;
  validUntil?: Date;
}

export interface VerifyCredentialOptions {
  now: Date;
  /** tolerance for validFrom/validUntil (and nbf/exp if present), in seconds; default 300 */
  skewSeconds?: number;
  /** how Ed25519 signatures are checked; Web Crypto unless the platform offers better (ed25519.ts) */
  ed25519?: Ed25519Verifier;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/**
 * A diploma credential nests about 6 levels; a header 1. Deeper JSON is refused right after
 * parsing, so nothing downstream (checks, the answer's JSON.stringify) recurses into it.
 */
export const MAX_JSON_DEPTH = 32;
/** The largest NumericDate (seconds) a Date can hold: ±8.64e15 ms. */
const MAX_NUMERIC_DATE = 8.64e12;

// ---------------------------------------------------------------------------------------------
// Signing

// The key pair carries its imported private key (signing-key.ts): nothing is cached here.
export async function signCredential(credential: object, key: SigningKeyPair): Promise<string> {
  const header = base64url.encode(encoder.encode(JSON.stringify({ alg: 'EdDSA', typ: CREDENTIAL_JWT_TYP, cty: 'vc', kid: key.kid })));
  const signingInput = `${header}.${base64url.encode(encoder.encode(JSON.stringify(credential)))}`;
  const signature = await crypto.subtle.sign('Ed25519', key.privateKey, encoder.encode(signingInput));
  return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
}

// ---------------------------------------------------------------------------------------------
// Decoding (no verification)

/** A compact JWS split and decoded, NOT verified: hand it to verifyCredentialJwt to verify. */
export interface CredentialJwtParts extends DecodedCredentialJwt {
  signingInput: string;
  /** the raw third segment; may be empty (an unsecured JWS), checked by verifyCredentialJwt */
  signature: string;
}

function splitJws(jwt: unknown): CredentialJwtParts {
  if (typeof jwt !== 'string') throw new CredentialFormatError('a credential JWT must be a string');
  const parts = jwt.trim().split('.');
  if (parts.length !== 3) throw new CredentialFormatError('a credential JWT has three dot-separated parts');
  const [h, p, s] = parts as [string, string, string];
  if (!h || !p) throw new CredentialFormatError('the JWS header or payload is empty');
  if (!BASE64URL.test(s)) throw new CredentialFormatError('the JWS signature is not base64url');
  const header = jsonObject(h, 'header');
  if (typeof header.alg !== 'string') throw new CredentialFormatError('the JWS header has no alg');
  return { header: header as CredentialJwtHeader, payload: jsonObject(p, 'payload'), signingInput: `${h}.${p}`, signature: s };
}

/** The 64 signature bytes, or undefined for anything else (including a re-spelled encoding). */
function ed25519Signature(segment: string): Uint8Array | undefined {
  if (segment.length !== 86) return undefined;
  const bytes = base64url.decode(segment);
  return bytes.length === 64 && base64url.encode(bytes) === segment ? bytes : undefined;
}

function base64urlBytes(segment: string, what: string): Uint8Array {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) {
    throw new CredentialFormatError(`the JWS ${what} is not base64url`);
  }
  return base64url.decode(segment);
}

function jsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(base64urlBytes(segment, what)));
  } catch (error) {
    if (error instanceof CredentialFormatError) throw error;
    throw new CredentialFormatError(`the JWS ${what} is not UTF-8 JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new CredentialFormatError(`the JWS ${what} is not a JSON object`);
  }
  if (exceedsDepth(value, MAX_JSON_DEPTH)) throw new CredentialFormatError(`the JWS ${what} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  return value as Record<string, unknown>;
}

/** Whether parsed JSON nests objects/arrays deeper than `limit`: iterative, stops at the first too deep. */
export function exceedsDepth(root: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (depth > limit) return true;
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
    } else {
      for (const key in value as Record<string, unknown>) {
        const item = (value as Record<string, unknown>)[key];
        if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
      }
    }
  }
  return false;
}

/** Header and payload of a compact JWS, NOT verified. Throws CredentialFormatError. */
export function decodeCredentialJwt(jwt: string): DecodedCredentialJwt {
  const { header, payload } = splitJws(jwt);
  return { header, payload };
}

/**
 * As decodeCredentialJwt, keeping what verifyCredentialJwt needs besides: a caller that looks at
 * the header and payload before verifying does not decode the token twice.
 */
export function splitCredentialJwt(jwt: string): CredentialJwtParts {
  return splitJws(jwt);
}

// ---------------------------------------------------------------------------------------------
// The header rules, all of them and only here (the verifier's format and signature checks read
// the same findings). RFC 7797's `b64: false` takes effect only when `b64` is listed in `crit`
// (§6), and `crit` is refused: an unencoded payload can never be what a signature covers.

export type JwsHeaderMember = 'alg' | 'typ' | 'cty' | 'crit' | 'kid';

export interface JwsHeaderFinding {
  member: JwsHeaderMember;
  code: CredentialErrorCode;
  message: string;
  /** the value the member must have, where there is one */
  expected?: string;
}

/** Every rule the header breaks, in the order alg, typ, cty, crit, kid; empty when it keeps them all. */
export function jwsHeaderFindings(header: Readonly<Record<string, unknown>>): JwsHeaderFinding[] {
  const findings: JwsHeaderFinding[] = [];
  const { alg, typ, cty, crit, kid } = header;
  if (!(ACCEPTED_ALGS as readonly unknown[]).includes(alg)) {
    findings.push({ member: 'alg', code: 'CREDENTIAL_ALG_UNSUPPORTED', message: `alg ${quote(alg)} is not accepted; use EdDSA or Ed25519` });
  }
  if (typeof typ !== 'string' || !isMediaType(typ, CREDENTIAL_JWT_TYP)) {
    findings.push({ member: 'typ', code: 'CREDENTIAL_TYP_INVALID', message: `typ must be ${CREDENTIAL_JWT_TYP}, got ${quote(typ)}`, expected: CREDENTIAL_JWT_TYP });
  }
  if (cty !== undefined && (typeof cty !== 'string' || !isMediaType(cty, 'vc'))) {
    findings.push({ member: 'cty', code: 'CREDENTIAL_TYP_INVALID', message: `cty must be vc, got ${quote(cty)}`, expected: 'vc' });
  }
  if (crit !== undefined) {
    findings.push({ member: 'crit', code: 'CREDENTIAL_FORMAT_INVALID', message: 'the JWS header lists critical extensions (crit), which this verifier does not understand' });
  }
  if (typeof kid !== 'string' || kid === '') findings.push({ member: 'kid', code: 'CREDENTIAL_KEY_UNKNOWN', message: 'the JWS header names no kid' });
  return findings;
}

function headerError(finding: JwsHeaderFinding): CredentialVerificationError {
  return finding.code === 'CREDENTIAL_FORMAT_INVALID' ? new CredentialFormatError(finding.message) : new CredentialVerificationError(finding.code, finding.message);
}

// ---------------------------------------------------------------------------------------------
// Verification

/**
 * Verifies a `vc+jwt`: format, header (jwsHeaderFindings), that the payload is a VC 2.0
 * credential without `vc`/`vp` claims, the Ed25519 signature with the key `getKey(kid)` returns,
 * and the validity period with ±skew. Whether the key and the issuer are acceptable is up to
 * `getKey` and the caller; errors from `getKey` propagate as is.
 */
export async function verifyCredentialJwt(
  jwt: string | CredentialJwtParts,
  getKey: (kid: string) => Promise<JsonWebKey | undefined>,
  opts: VerifyCredentialOptions,
): Promise<VerifiedCredentialJwt> {
  const parts = typeof jwt === 'string' ? splitJws(jwt) : jwt;
  const { header, payload } = parts;

  const findings = jwsHeaderFindings(header);
  const broken = findings.find((f) => f.member !== 'kid');
  if (broken) throw headerError(broken);
  checkCredentialShape(payload);
  const times = validityPeriod(payload);
  const noKid = findings.find((f) => f.member === 'kid');
  if (noKid) throw headerError(noKid);
  const kid = header.kid as string;

  const jwk = await getKey(kid);
  if (!jwk) throw new CredentialVerificationError('CREDENTIAL_KEY_UNKNOWN', `no key is known for kid ${quote(kid)}`);
  if (!(await verifyJwsSignature(parts, jwk, opts.ed25519 ?? createWebCryptoEd25519()))) {
    throw new CredentialVerificationError('CREDENTIAL_SIGNATURE_INVALID', 'the signature does not verify');
  }

  checkPeriod(times, opts);

  return {
    header: header as VerifiedCredentialJwt['header'],
    credential: payload,
    kid,
    ...(times.validFrom ? { validFrom: times.validFrom } : {}),
    ...(times.validUntil ? { validUntil: times.validUntil } : {}),
  };
}

/**
 * Whether the JWS's Ed25519 signature verifies with `jwk`; nothing else (the header rules are
 * jwsHeaderFindings', the key's trust the caller's). Throws CREDENTIAL_KEY_UNKNOWN when `jwk` is
 * no public Ed25519 key.
 */
export async function verifyJwsSignature(parts: CredentialJwtParts, jwk: JsonWebKey, ed25519: Ed25519Verifier): Promise<boolean> {
  const kid = String(parts.header.kid);
  const x = ed25519PublicKey(kid, jwk);
  const signature = ed25519Signature(parts.signature);
  return signature !== undefined && (await verifyEd25519(ed25519, kid, x, signature, encoder.encode(parts.signingInput)));
}

/**
 * The validity period check of verifyCredentialJwt on its own, for a credential whose signature
 * was verified before (a cached status list at a later moment): throws the same errors.
 */
export function checkValidityPeriod(credential: Record<string, unknown>, opts: VerifyCredentialOptions): void {
  checkPeriod(validityPeriod(credential), opts);
}

function checkPeriod(times: ValidityPeriod, opts: VerifyCredentialOptions): void {
  const skewMs = (opts.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000;
  const now = opts.now.getTime();
  if (Number.isNaN(now) || !(skewMs >= 0)) throw new TypeError('verifyCredentialJwt needs a valid `now` and a non-negative skew');
  if (times.invalid) throw new CredentialVerificationError('CREDENTIAL_TIME_INVALID', times.invalid);
  if (times.notBefore !== undefined && now + skewMs < times.notBefore) {
    throw new CredentialVerificationError('CREDENTIAL_NOT_YET_VALID', `the credential is valid from ${new Date(times.notBefore).toISOString()}`);
  }
  if (times.notAfter !== undefined && now - skewMs > times.notAfter) {
    throw new CredentialVerificationError('CREDENTIAL_EXPIRED', `the credential was valid until ${new Date(times.notAfter).toISOString()}`);
  }
}

/** Header values are attacker-controlled: quoted and cut short before they go into a message. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** RFC 7515 §4.1.9: `typ`/`cty` may omit "application/", and compare case-insensitively. */
function isMediaType(value: string, expected: string): boolean {
  const v = value.toLowerCase();
  return v === expected || v === `application/${expected}`;
}

function checkCredentialShape(payload: Record<string, unknown>): void {
  if ('vc' in payload || 'vp' in payload) {
    throw new CredentialFormatError('the payload carries vc/vp claims; a vc+jwt payload is the credential itself');
  }
  const context = payload['@context'];
  if (!Array.isArray(context) || context[0] !== VC_V2_CONTEXT_URL) {
    throw new CredentialFormatError(`the payload's @context must start with ${VC_V2_CONTEXT_URL}`);
  }
  const type = payload.type;
  if (!(type === 'VerifiableCredential' || (Array.isArray(type) && type.includes('VerifiableCredential')))) {
    throw new CredentialFormatError('the payload is not a VerifiableCredential');
  }
}

// XML Schema dateTimeStamp (a time zone is required), as VC 2.0 requires for validFrom/validUntil.
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export interface ValidityPeriod {
  validFrom?: Date;
  validUntil?: Date;
  /** ms since the epoch, the latest of validFrom and nbf; always within Date's range */
  notBefore?: number;
  /** ms since the epoch, the earliest of validUntil and exp; always within Date's range */
  notAfter?: number;
  /** why nbf or exp cannot be compared with a clock (then notBefore/notAfter leave them out) */
  invalid?: string;
}

/**
 * The credential's validity period: validFrom/validUntil (malformed ones throw
 * CredentialFormatError, as the shape rules refuse them) and JWT nbf/exp where present. An nbf/exp
 * that is no NumericDate a clock can reach is not a format error but a finding of its own
 * (`invalid`), reported after the signature verified.
 */
export function credentialValidityPeriod(payload: Record<string, unknown>): ValidityPeriod {
  const validFrom = dateTime(payload, 'validFrom');
  const validUntil = dateTime(payload, 'validUntil');
  const nbf = numericDate(payload, 'nbf');
  const exp = numericDate(payload, 'exp');
  const latest = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
  const earliest = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  const invalid = [nbf, exp].find((t): t is string => typeof t === 'string');
  const ms = (t: number | string | undefined) => (typeof t === 'number' ? t : undefined);
  return {
    ...(validFrom ? { validFrom } : {}),
    ...(validUntil ? { validUntil } : {}),
    ...optional('notBefore', latest(validFrom?.getTime(), ms(nbf))),
    ...optional('notAfter', earliest(validUntil?.getTime(), ms(exp))),
    ...(invalid ? { invalid } : {}),
  };
}

const optional = <K extends string>(key: K, value: number | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, number>));

const validityPeriod = credentialValidityPeriod;

function dateTime(payload: Record<string, unknown>, member: string): Date | undefined {
  const value = payload[member];
  if (value === undefined) return undefined;
  const date = typeof value === 'string' && DATE_TIME_STAMP.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new CredentialFormatError(`${member} is not an XML Schema dateTimeStamp`);
  return date;
}

/** The claim in ms, undefined when absent, or why it is no usable NumericDate (RFC 7519 §2). */
function numericDate(payload: Record<string, unknown>, claim: string): number | string | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${claim} is not a NumericDate (a number of seconds)`;
  if (Math.abs(value) > MAX_NUMERIC_DATE) return `${claim} lies outside the range of dates (±${MAX_NUMERIC_DATE} seconds)`;
  return value * 1000;
}

function ed25519PublicKey(kid: string, jwk: JsonWebKey): string {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new CredentialVerificationError('CREDENTIAL_KEY_UNKNOWN', `the key for kid ${kid} is not a public Ed25519 key`);
  }
  return jwk.x;
}

async function verifyEd25519(backend: Ed25519Verifier, kid: string, x: string, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    return await backend.verify(x, signature, data);
  } catch (error) {
    if (error instanceof InvalidEd25519KeyError) throw new CredentialVerificationError('CREDENTIAL_KEY_UNKNOWN', `the key for kid ${kid} is not a valid Ed25519 key`);
    throw error;
  }
}
