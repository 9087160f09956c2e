// The verifier pipeline against real credentials: Ed25519 keys, signed diploma credentials and
// signed Bitstring status lists, with in-memory sources. Every case asserts the verdict and the
// check that decided it; none may throw.
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { compactVerify, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDiplomaCredential, type DiplomaCredential } from '../../src/credentials/diploma-credential.ts';
import { diplomaContextUrl } from '../../src/credentials/context.ts';
import { Bitstring, buildStatusListCredential, encodeStatusList, type StatusPurpose } from '../../src/credentials/status-list.ts';
import { signCredential } from '../../src/credentials/vc-jwt.ts';
import { generateSigningKey, type SigningKeyPair } from '../../src/signing-keys/signing-key.ts';
import type { CheckCode, CheckId } from '../../src/verification/checks.ts';
import {
  verifyCredential,
  type PublishedKeys,
  type RegisterEntry,
  type VerificationResult,
  type VerificationSources,
} from '../../src/verification/pipeline.ts';
import { seededRandom } from '../support/random.ts';

const BASE = 'https://register.example';
const DID = 'did:web:register.example';
const NOW = new Date('2026-11-23T10:00:00Z');
const REVOCATION_URL = `${BASE}/status/rev-1`;
const SUSPENSION_URL = `${BASE}/status/sus-1`;
const INDEX = 70_001;
const CREDENTIAL_ID = 'urn:uuid:5d0c7c9e-8a53-4a6a-9f39-1f3f1c0a2b7e';

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const random = seededRandom(import.meta.url);

let active: SigningKeyPair;
let retired: SigningKeyPair;
let compromised: SigningKeyPair;
let stranger: SigningKeyPair;
let cleanLists: Map<string, string>;

beforeAll(async () => {
  [active, retired, compromised, stranger] = await Promise.all([generateSigningKey(), generateSigningKey(), generateSigningKey(), generateSigningKey()]);
  cleanLists = await statusLists({});
});

function diploma(overrides: { validFrom?: Date; issuerDid?: string } = {}): DiplomaCredential {
  return buildDiplomaCredential(
    {
      holder: { givenNames: 'Sanne', prefix: 'van der', familyName: 'Berg', birthDate: '2003-04-05' },
      diploma: { id: '0b9a3c1e-2f6d-4e8a-9c7b-1a2b3c4d5e6f', kind: 'diploma', awardDate: '2025-07-01', nlqf: '6', eqf: 6, profile: null },
      programme: { codeType: 'croho', code: '56834', nameNl: 'Bachelor Informatica', nameEn: 'Bachelor Computer Science' },
      institution: { brin: '21PD', location: '00', name: 'Universiteit Voorbeeld', place: 'Utrecht' },
    },
    {
      id: CREDENTIAL_ID,
      issuerDid: overrides.issuerDid ?? DID,
      validFrom: overrides.validFrom ?? new Date('2026-11-20T09:00:00Z'),
      contextUrl: diplomaContextUrl(BASE),
      status: { revocation: { listUrl: REVOCATION_URL, index: INDEX }, suspension: { listUrl: SUSPENSION_URL, index: INDEX } },
    },
  );
}

async function statusList(purpose: StatusPurpose, url: string, setIndexes: number[], signer: SigningKeyPair): Promise<string> {
  const bits = new Bitstring();
  for (const i of setIndexes) bits.set(i, true);
  const credential = buildStatusListCredential({
    id: url,
    issuerDid: DID,
    purpose,
    encodedList: await encodeStatusList(bits.bytes),
    validFrom: new Date('2026-11-23T09:00:00Z'),
    ttlMs: 300_000,
  });
  return signCredential(credential, signer);
}

async function statusLists(opts: { revoked?: number[]; suspended?: number[]; signer?: SigningKeyPair }): Promise<Map<string, string>> {
  const signer = opts.signer ?? active;
  return new Map([
    [REVOCATION_URL, await statusList('revocation', REVOCATION_URL, [3, ...(opts.revoked ?? [])], signer)],
    [SUSPENSION_URL, await statusList('suspension', SUSPENSION_URL, [9, ...(opts.suspended ?? [])], signer)],
  ]);
}

function jwks(): PublishedKeys {
  return {
    keys: [
      { ...active.publicJwk, status: 'active' },
      { ...retired.publicJwk, status: 'retired' },
    ],
    compromised: [{ ...compromised.publicJwk, status: 'compromised', compromised_at: '2026-10-01T00:00:00.000Z' } as PublishedKeys['compromised'][number]],
  };
}

function sources(overrides: Partial<VerificationSources> & { lists?: Map<string, string>; registerEntry?: RegisterEntry | null } = {}): VerificationSources {
  const lists = overrides.lists ?? cleanLists;
  const entry = overrides.registerEntry === undefined ? { state: 'active' as const, diplomaState: 'valid' as const } : overrides.registerEntry;
  return {
    expectedIssuerDid: DID,
    keys: async () => jwks(),
    statusList: async (url) => lists.get(url),
    register: async (id) => (id === CREDENTIAL_ID && entry ? entry : undefined),
    ...overrides,
  };
}

const verify = (jwt: string, src: VerificationSources = sources(), now = NOW) => verifyCredential(jwt, src, { now });

function expectOutcome(result: VerificationResult, verdict: VerificationResult['verdict'], id: CheckId, code: CheckCode) {
  const found = result.checks.find((c) => c.id === id);
  expect(found?.code, JSON.stringify(result.checks.map((c) => [c.id, c.status, c.code]))).toBe(code);
  expect(result.verdict).toBe(verdict);
  expect(result.checks.map((c) => c.id)).toEqual(['format', 'signature', 'issuer', 'status', 'validity', 'register']);
  for (const c of result.checks) expect(c.message.nl && c.message.en).toBeTruthy();
}

/** A JWS with any header and payload, signed with Ed25519 by `signer`. */
async function signRaw(header: object, payload: object, signer: SigningKeyPair = active): Promise<string> {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const { kty, crv, x, d } = signer.privateJwk;
  const key = await crypto.subtle.importKey('jwk', { kty, crv, x, d }, 'Ed25519', false, ['sign']);
  return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('Ed25519', key, new TextEncoder().encode(input))))}`;
}

describe('a genuine credential', () => {
  it('is authentic, every check passed, and its signature verifies independently (jose)', async () => {
    const jwt = await signCredential(diploma(), active);
    const result = await verify(jwt);
    expect(result.verdict).toBe('authentic');
    expect(result.checks.map((c) => [c.id, c.status, c.code])).toEqual([
      ['format', 'passed', 'FORMAT_VALID'],
      ['signature', 'passed', 'SIGNATURE_VALID'],
      ['issuer', 'passed', 'ISSUER_VALID'],
      ['status', 'passed', 'STATUS_VALID'],
      ['validity', 'passed', 'VALIDITY_VALID'],
      ['register', 'passed', 'REGISTER_ACTIVE'],
    ]);
    expect(result.credential?.id).toBe(CREDENTIAL_ID);
    const independent = await compactVerify(jwt, await importJWK({ ...active.publicJwk }, 'EdDSA'));
    expect(JSON.parse(new TextDecoder().decode(independent.payload)).id).toBe(CREDENTIAL_ID);
  });

  it('signed with a retired key is authentic, with a note on the issuer check', async () => {
    const result = await verify(await signCredential(diploma(), retired));
    expectOutcome(result, 'authentic', 'issuer', 'ISSUER_KEY_RETIRED');
    expect(result.checks.find((c) => c.id === 'issuer')!.status).toBe('passed');
  });

  it('with validFrom less than 5 minutes ahead (clock skew) is authentic', async () => {
    const result = await verify(await signCredential(diploma({ validFrom: new Date(NOW.getTime() + 4 * 60_000) }), active));
    expectOutcome(result, 'authentic', 'validity', 'VALIDITY_VALID');
    expect(result.checks.find((c) => c.id === 'validity')!.details).toMatchObject({ withinClockSkew: true });
  });
});

describe('forgeries and tampering', () => {
  it('alg none: signature failed, not authentic', async () => {
    const [, payload] = (await signCredential(diploma(), active)).split('.');
    const jwt = `${b64u(JSON.stringify({ alg: 'none', typ: 'vc+jwt', cty: 'vc', kid: active.kid }))}.${payload}.`;
    const result = await verify(jwt);
    expectOutcome(result, 'not_authentic', 'signature', 'SIGNATURE_ALG_UNSUPPORTED');
    expect(result.credential).toBeUndefined();
  });

  it('HS256 keyed with our public key: signature failed', async () => {
    const input = `${b64u(JSON.stringify({ alg: 'HS256', typ: 'vc+jwt', kid: active.kid }))}.${b64u(JSON.stringify(diploma()))}`;
    for (const secret of [Buffer.from(active.publicJwk.x, 'base64url'), JSON.stringify(active.publicJwk)]) {
      const jwt = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expectOutcome(await verify(jwt), 'not_authentic', 'signature', 'SIGNATURE_ALG_UNSUPPORTED');
    }
  });

  it('a key that is not ours (unknown kid): issuer failed, signature not checked', async () => {
    const result = await verify(await signCredential(diploma(), stranger));
    expectOutcome(result, 'not_authentic', 'issuer', 'KEY_UNKNOWN');
    expect(result.checks.find((c) => c.id === 'signature')!.code).toBe('SKIPPED_KEY_UNKNOWN');
    expect(result.checks.find((c) => c.id === 'status')!.status).toBe('skipped');
  });

  it("another key posing under our kid: signature failed", async () => {
    const jwt = await signRaw({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: active.kid }, diploma(), stranger);
    expectOutcome(await verify(jwt), 'not_authentic', 'signature', 'SIGNATURE_INVALID');
  });

  it('a compromised key: issuer failed even though the signature is mathematically valid', async () => {
    const result = await verify(await signCredential(diploma(), compromised));
    expectOutcome(result, 'not_authentic', 'issuer', 'KEY_COMPROMISED');
    expect(result.checks.find((c) => c.id === 'signature')!.status).toBe('passed');
  });

  it('a changed payload: signature failed', async () => {
    const [header, , signature] = (await signCredential(diploma(), active)).split('.');
    const changed = diploma();
    changed.credentialSubject.achievement.qualification.nlqfLevel = '7';
    expectOutcome(await verify(`${header}.${b64u(JSON.stringify(changed))}.${signature}`), 'not_authentic', 'signature', 'SIGNATURE_INVALID');
  });

  it('a truncated signature: signature failed', async () => {
    const jwt = await signCredential(diploma(), active);
    expectOutcome(await verify(jwt.slice(0, -2)), 'not_authentic', 'signature', 'SIGNATURE_INVALID');
    expectOutcome(await verify(jwt.slice(0, -20)), 'not_authentic', 'signature', 'SIGNATURE_INVALID');
  });

  it('a re-encoded signature (same bytes, different spelling) fails', async () => {
    const jwt = await signCredential(diploma(), active);
    const last = jwt.at(-1)!;
    // the last of 86 characters carries 2 data bits and 4 unused bits: flipping an unused one
    // keeps the decoded bytes but is not the canonical encoding
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = `${jwt.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    expect(Buffer.from(respelled.split('.')[2]!, 'base64url')).toEqual(Buffer.from(jwt.split('.')[2]!, 'base64url'));
    expectOutcome(await verify(respelled), 'not_authentic', 'signature', 'SIGNATURE_INVALID');
    // standard base64 with padding is not base64url at all
    const padded = `${jwt.split('.').slice(0, 2).join('.')}.${Buffer.from(jwt.split('.')[2]!, 'base64url').toString('base64')}`;
    expectOutcome(await verify(padded), 'not_authentic', 'format', 'FORMAT_INVALID');
  });

  it('a wrong typ: format failed', async () => {
    for (const typ of ['JWT', 'dc+sd-jwt', undefined]) {
      const jwt = await signRaw({ alg: 'EdDSA', ...(typ ? { typ } : {}), kid: active.kid }, diploma());
      expectOutcome(await verify(jwt), 'not_authentic', 'format', 'FORMAT_HEADER_INVALID');
    }
  });

  it('an issuer DID that is not ours: issuer failed', async () => {
    const result = await verify(await signCredential(diploma({ issuerDid: 'did:web:diploma-register.example' }), active));
    expectOutcome(result, 'not_authentic', 'issuer', 'ISSUER_MISMATCH');
  });

  it('validFrom more than 5 minutes ahead: validity failed', async () => {
    const result = await verify(await signCredential(diploma({ validFrom: new Date(NOW.getTime() + 6 * 60_000) }), active));
    expectOutcome(result, 'not_authentic', 'validity', 'NOT_YET_VALID');
    expect(result.checks.find((c) => c.id === 'signature')!.code).toBe('SIGNATURE_VALID');
  });

  it.each([
    ['random bytes', () => Buffer.from(random.bytes(600)).toString('latin1')],
    ['random base64url segments', () => [40, 300, 64].map((n) => Buffer.from(random.bytes(n)).toString('base64url')).join('.')],
    ['an empty string', () => ''],
    ['a 1 MB string', () => 'a.'.repeat(512 * 1024)],
    ['JSON instead of a JWS', () => JSON.stringify(diploma())],
  ])('%s: format failed, no exception', async (_name, input) => {
    const result = await verify(input());
    expect(result.verdict).toBe('not_authentic');
    expect(result.checks[0]!.status).toBe('failed');
    expect(['FORMAT_INVALID', 'FORMAT_TOO_LARGE']).toContain(result.checks[0]!.code);
    expect(result.checks.slice(1).every((c) => c.status === 'skipped' && c.code === 'SKIPPED_FORMAT_INVALID')).toBe(true);
  });

  it('the 1 MB string is refused by size', async () => {
    expectOutcome(await verify('x'.repeat(1024 * 1024)), 'not_authentic', 'format', 'FORMAT_TOO_LARGE');
  });
});

describe('status lists', () => {
  it('revoked', async () => {
    const result = await verify(await signCredential(diploma(), active), sources({ lists: await statusLists({ revoked: [INDEX] }) }));
    expectOutcome(result, 'revoked', 'status', 'STATUS_REVOKED');
  });

  it('suspended', async () => {
    const result = await verify(await signCredential(diploma(), active), sources({ lists: await statusLists({ suspended: [INDEX] }) }));
    expectOutcome(result, 'suspended', 'status', 'STATUS_SUSPENDED');
  });

  it('a neighbouring bit set does not count (MSB-first index)', async () => {
    const result = await verify(await signCredential(diploma(), active), sources({ lists: await statusLists({ revoked: [INDEX ^ 7, INDEX + 1, INDEX - 1] }) }));
    expectOutcome(result, 'authentic', 'status', 'STATUS_VALID');
  });

  it('unreachable (undefined or a throw): unknown, fails closed', async () => {
    const jwt = await signCredential(diploma(), active);
    expectOutcome(await verify(jwt, sources({ statusList: async () => undefined })), 'unknown', 'status', 'STATUS_UNKNOWN');
    const onlyRevocation = new Map([[REVOCATION_URL, cleanLists.get(REVOCATION_URL)!]]);
    expectOutcome(await verify(jwt, sources({ lists: onlyRevocation })), 'unknown', 'status', 'STATUS_UNKNOWN');
    const throwing = sources({ statusList: async () => { throw new Error('ECONNRESET'); } });
    expectOutcome(await verify(jwt, throwing), 'unknown', 'status', 'STATUS_UNKNOWN');
  });

  it('a list with a bad signature, or signed with a key we no longer trust: unknown', async () => {
    const jwt = await signCredential(diploma(), active);
    const tampered = new Map([...cleanLists].map(([url, list]) => {
      const [h, p, s] = list.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      return [url, `${h}.${b64u(JSON.stringify({ ...payload, validFrom: '2026-11-23T09:00:01Z' }))}.${s}`];
    }));
    expectOutcome(await verify(jwt, sources({ lists: tampered })), 'unknown', 'status', 'STATUS_UNKNOWN');
    expectOutcome(await verify(jwt, sources({ lists: await statusLists({ signer: compromised }) })), 'unknown', 'status', 'STATUS_UNKNOWN');
    expectOutcome(await verify(jwt, sources({ lists: await statusLists({ signer: stranger }) })), 'unknown', 'status', 'STATUS_UNKNOWN');
  });

  it('a genuine list served for the other purpose or URL: unknown', async () => {
    const jwt = await signCredential(diploma(), active);
    const swapped = new Map([
      [REVOCATION_URL, cleanLists.get(SUSPENSION_URL)!],
      [SUSPENSION_URL, cleanLists.get(REVOCATION_URL)!],
    ]);
    expectOutcome(await verify(jwt, sources({ lists: swapped })), 'unknown', 'status', 'STATUS_UNKNOWN');
  });
});

describe('the register', () => {
  it('superseded: says by what', async () => {
    const entry: RegisterEntry = { state: 'superseded', diplomaState: 'corrected', supersededBy: { awardDate: '2025-07-02' } };
    const result = await verify(await signCredential(diploma(), active), sources({ registerEntry: entry }));
    expectOutcome(result, 'superseded', 'register', 'REGISTER_SUPERSEDED');
    expect(result.checks.find((c) => c.id === 'register')!.details).toMatchObject({ supersededBy: { awardDate: '2025-07-02' } });
  });

  it('superseded outranks a revocation bit set for the same reason', async () => {
    const entry: RegisterEntry = { state: 'superseded', diplomaState: 'corrected' };
    const result = await verify(await signCredential(diploma(), active), sources({ registerEntry: entry, lists: await statusLists({ revoked: [INDEX] }) }));
    expectOutcome(result, 'superseded', 'register', 'REGISTER_SUPERSEDED');
    expect(result.checks.find((c) => c.id === 'status')!.code).toBe('STATUS_REVOKED');
  });

  it('withdrawn by the holder: revoked', async () => {
    const result = await verify(await signCredential(diploma(), active), sources({ registerEntry: { state: 'withdrawn', diplomaState: 'valid' } }));
    expectOutcome(result, 'revoked', 'register', 'REGISTER_WITHDRAWN');
  });

  it('revoked (annulled diploma): revoked', async () => {
    const result = await verify(await signCredential(diploma(), active), sources({ registerEntry: { state: 'revoked', diplomaState: 'annulled' } }));
    expectOutcome(result, 'revoked', 'register', 'REGISTER_REVOKED');
  });

  it('unknown to the register: not authentic', async () => {
    const result = await verify(await signCredential(diploma(), active), sources({ registerEntry: null }));
    expectOutcome(result, 'not_authentic', 'register', 'REGISTER_UNKNOWN');
  });

  it('register or keys unreachable: unknown', async () => {
    const jwt = await signCredential(diploma(), active);
    const noRegister = sources({ register: async () => { throw new Error('timeout'); } });
    expectOutcome(await verify(jwt, noRegister), 'unknown', 'register', 'REGISTER_UNAVAILABLE');
    const noKeys = sources({ keys: async () => { throw new Error('timeout'); } });
    expectOutcome(await verify(jwt, noKeys), 'unknown', 'issuer', 'KEYS_UNAVAILABLE');
  });
});

// ---------------------------------------------------------------------------------------------
// W3C VC Data Model 2.0 test suite: every input, wrapped as the payload of a vc+jwt signed by our
// key. This is the one place the suite runs (it needs no database): the format check must pass
// every -ok credential and fail every -fail one, and a presentation is no credential.

interface ManifestEntry {
  file: string;
  kind: string;
  expected: string;
}
const SUITE = new URL('../vectors/vc-data-model-2.0-test-suite/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', SUITE), 'utf8')) as { files: ManifestEntry[] };

/** What the upstream suite does before POSTing: fill in its issuer, and real dates for the placeholders. */
function prepare(input: Record<string, unknown>): Record<string, unknown> {
  const vc = structuredClone(input);
  if (!('issuer' in vc)) vc.issuer = DID;
  else if (typeof vc.issuer === 'object' && vc.issuer !== null && !Array.isArray(vc.issuer) && !('id' in vc.issuer)) vc.issuer = { ...vc.issuer, id: DID };
  const dates: Record<string, string> = { 'PAST DATE': '2025-01-01T00:00:00Z', 'FUTURE DATE': '2030-01-01T00:00:00Z' };
  for (const member of ['validFrom', 'validUntil']) if (typeof vc[member] === 'string' && vc[member] in dates) vc[member] = dates[vc[member] as string];
  return vc;
}

describe('VC Data Model 2.0 test suite inputs through the format check', () => {
  it('covers every input of the manifest', () => {
    const inputs = readdirSync(new URL('input/', SUITE)).filter((f) => f.endsWith('.json')).length + readdirSync(new URL('input/names-and-descriptions/', SUITE)).length;
    expect(manifest.files.length).toBe(inputs);
    expect(manifest.files.length).toBe(120);
  });

  it.each(manifest.files.map((f) => [f.file.replace(/^input\//, ''), f.kind, f.expected] as const))('%s (%s, %s)', async (file, kind, expected) => {
    const input = JSON.parse(readFileSync(new URL(`input/${file}`, SUITE), 'utf8')) as Record<string, unknown>;
    const result = await verify(await signCredential(prepare(input), active));
    const format = result.checks[0]!;
    const failed = result.checks.filter((c) => c.status === 'failed').map((c) => `${c.id}:${c.code}`);
    expect(result.verdict).not.toBe('authentic');
    if (kind === 'presentation') {
      // a presentation is no credential, whatever the suite expects of it as a presentation
      expect(format.code).toBe('FORMAT_CREDENTIAL_INVALID');
      expect(['context', 'type']).toContain(format.details!.rule);
    } else if (expected === 'accept') {
      expect(format.code, JSON.stringify(format.details)).toBe('FORMAT_VALID');
      // well-formed and signed by our key, but not a diploma the register issued
      expect(result.verdict).toBe('not_authentic');
      expect(failed).toContain('register:REGISTER_UNKNOWN');
    } else {
      expect(format.code, `${file} must fail the format check`).toBe('FORMAT_CREDENTIAL_INVALID');
      expect(failed).toEqual(['format:FORMAT_CREDENTIAL_INVALID']);
    }
  });
});
