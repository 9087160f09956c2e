// The verifier as fragments: the orchestrator keeps the list's order whatever finishes first, lets
// a fragment read another's check, runs independent lookups side by side, and the PDF entrance is
// the credential's list plus the seal and the binding. No database: in-memory sources.
import { describe, expect, it } from 'vitest';
import { buildDiplomaCredential } from '../../src/credentials/diploma-credential.ts';
import { diplomaContextUrl } from '../../src/credentials/context.ts';
import { buildStatusListCredential, encodeStatusList } from '../../src/credentials/status-list.ts';
import { signCredential } from '../../src/credentials/vc-jwt.ts';
import { generateSigningKey } from '../../src/signing-keys/signing-key.ts';
import { createVerificationContext, type VerificationSources } from '../../src/verification/context.ts';
import { check, runFragments, type Fragment } from '../../src/verification/fragments/fragment.ts';
import { PDF_FRAGMENTS } from '../../src/verification/pdf-upload.ts';
import { CREDENTIAL_FRAGMENTS, verifyCredential } from '../../src/verification/pipeline.ts';

const BASE = 'https://register.example';
const DID = 'did:web:register.example';
const NOW = new Date('2026-11-23T10:00:00Z');
const CREDENTIAL_ID = 'urn:uuid:5d0c7c9e-8a53-4a6a-9f39-1f3f1c0a2b7e';

const noSources: VerificationSources = {
  expectedIssuerDid: DID,
  keys: async () => ({ keys: [], compromised: [] }),
  statusList: async () => undefined,
  register: async () => undefined,
};

/** A promise and the function that settles it: lets a test decide the order in which fragments finish. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('runFragments', () => {
  it('reports the checks in list order, whichever fragment finishes first', async () => {
    const late = gate();
    const fragments: Fragment[] = [
      { id: 'format', verify: async () => (await late.opened, check('format', 'passed', 'FORMAT_VALID')) },
      { id: 'signature', verify: () => (late.open(), check('signature', 'passed', 'SIGNATURE_VALID')) },
    ];
    const checks = await runFragments(fragments, createVerificationContext('', noSources, { now: NOW }));
    expect(checks.map((c) => c.code)).toEqual(['FORMAT_VALID', 'SIGNATURE_VALID']);
  });

  it('lets a fragment read a check further down the list, and uses a skip in place of the check', async () => {
    const fragments: Fragment[] = [
      { id: 'validity', verify: async (ctx) => check('validity', (await ctx.check('register')).status, 'VALIDITY_VALID') },
      { id: 'register', skip: async () => check('register', 'skipped', 'SKIPPED_KEY_UNKNOWN'), verify: () => check('register', 'passed', 'REGISTER_ACTIVE') },
    ];
    const checks = await runFragments(fragments, createVerificationContext('', noSources, { now: NOW }));
    expect(checks.map((c) => [c.id, c.status, c.code])).toEqual([
      ['validity', 'skipped', 'VALIDITY_VALID'],
      ['register', 'skipped', 'SKIPPED_KEY_UNKNOWN'],
    ]);
  });

  it('rejects the whole run when one fragment rejects', async () => {
    const fragments: Fragment[] = [
      { id: 'format', verify: () => check('format', 'passed', 'FORMAT_VALID') },
      { id: 'register', verify: () => Promise.reject(new Error('the register is down')) },
    ];
    await expect(runFragments(fragments, createVerificationContext('', noSources, { now: NOW }))).rejects.toThrow('the register is down');
  });
});

describe('the entrances run one list', () => {
  it('the PDF entrance is the credential list plus the seal (after the signature) and the binding', () => {
    expect(PDF_FRAGMENTS.filter((f) => f.id !== 'seal' && f.id !== 'binding')).toEqual(CREDENTIAL_FRAGMENTS);
    expect(PDF_FRAGMENTS.map((f) => f.id)).toEqual(['format', 'signature', 'seal', 'issuer', 'status', 'validity', 'register', 'binding']);
  });

  it('asks for the status lists and the register entry side by side, and the keys once', async () => {
    const key = await generateSigningKey();
    const revocation = `${BASE}/status/rev-1`;
    const suspension = `${BASE}/status/sus-1`;
    const jwt = await signCredential(
      buildDiplomaCredential(
        {
          holder: { givenNames: 'Sanne', prefix: 'van der', familyName: 'Berg', birthDate: '2003-04-05' },
          diploma: { id: '0b9a3c1e-2f6d-4e8a-9c7b-1a2b3c4d5e6f', kind: 'diploma', awardDate: '2025-07-01', nlqf: '6', eqf: 6, profile: null },
          programme: { codeType: 'croho', code: '56834', nameNl: 'Bachelor Informatica', nameEn: 'Bachelor Computer Science' },
          institution: { brin: '21PD', location: '00', name: 'Universiteit Voorbeeld', place: 'Utrecht' },
        },
        {
          id: CREDENTIAL_ID,
          issuerDid: DID,
          validFrom: new Date('2026-11-20T09:00:00Z'),
          contextUrl: diplomaContextUrl(BASE),
          status: { revocation: { listUrl: revocation, index: 7 }, suspension: { listUrl: suspension, index: 7 } },
        },
      ),
      key,
    );
    const emptyList = await encodeStatusList(new Uint8Array(16 * 1024));
    const lists = new Map<string, string>(
      await Promise.all(
        (['revocation', 'suspension'] as const).map(async (purpose) => {
          const url = purpose === 'revocation' ? revocation : suspension;
          const list = buildStatusListCredential({ id: url, issuerDid: DID, purpose, encodedList: emptyList, validFrom: new Date('2026-11-23T09:00:00Z'), ttlMs: 300_000 });
          return [url, await signCredential(list, key)] as const;
        }),
      ),
    );
    // each lookup answers only once all three have been asked: run one after the other, they never would
    const asked: string[] = [];
    const allAsked = gate();
    const ask = async (what: string) => {
      asked.push(what);
      if (asked.length === 3) allAsked.open();
      await allAsked.opened;
    };
    let keyRequests = 0;
    const sources: VerificationSources = {
      expectedIssuerDid: DID,
      keys: async () => (keyRequests++, { keys: [{ ...key.publicJwk, status: 'active' }], compromised: [] }),
      statusList: async (url) => (await ask(url), lists.get(url)),
      register: async () => (await ask('register'), { state: 'active', diplomaState: 'valid' }),
    };
    const result = await verifyCredential(jwt, sources, { now: NOW });
    expect(result.checks.map((c) => c.code)).toEqual(['FORMAT_VALID', 'SIGNATURE_VALID', 'ISSUER_VALID', 'STATUS_VALID', 'VALIDITY_VALID', 'REGISTER_ACTIVE']);
    expect(result.verdict).toBe('authentic');
    expect(asked.sort()).toEqual([revocation, suspension, 'register'].sort());
    expect(keyRequests).toBe(1);
  });
});
