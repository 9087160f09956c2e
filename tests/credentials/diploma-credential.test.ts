import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diplomaContext, diplomaContextUrl, diplomaVocabularyUrl } from '../../src/credentials/context.ts';
import {
  DiplomaCredentialInputError,
  buildDiplomaCredential,
  type DiplomaCredentialInput,
  type DiplomaCredentialOptions,
} from '../../src/credentials/diploma-credential.ts';
import { signCredential, verifyCredentialJwt } from '../../src/credentials/vc-jwt.ts';
import { generateSigningKey } from '../../src/signing-keys/signing-key.ts';
import { findShapeViolation } from '../../src/verification/credential-shape.ts';

const vectorText = (path: string) => readFileSync(new URL(`../vectors/${path}`, import.meta.url), 'utf8');
const vectorJson = <T = any>(path: string): T => JSON.parse(vectorText(path)) as T;

const BASE_URL = 'https://diplomaregister.example';
const CONTEXT_URL = diplomaContextUrl(BASE_URL);

const havo: DiplomaCredentialInput = {
  holder: { givenNames: 'Jan  Pieter ', prefix: 'van der', familyName: 'Berg', birthDate: '2006-05-31' },
  diploma: {
    id: '0B6A9D8E-4C1F-4C55-9A53-3C1F2A0F7D11',
    kind: 'diploma',
    awardDate: '2024-07-12',
    nlqf: '4',
    eqf: 4,
    profile: { code: 'NT', nameNl: 'Natuur en Techniek', nameEn: 'Science and Technology' },
  },
  programme: { codeType: 'vo', code: 'HAVO', nameNl: 'Hoger algemeen voortgezet onderwijs', nameEn: 'Senior general secondary education' },
  institution: { brin: '21PK', location: '00', name: 'Stedelijk Lyceum', place: 'Utrecht' },
};

const master: DiplomaCredentialInput = {
  holder: { givenNames: 'Łukasz', prefix: null, familyName: 'Dvořák', birthDate: '1998-02-28' },
  diploma: { id: '6f1d2c3b-0a9e-4d8c-b7a6-5f4e3d2c1b0a', kind: 'getuigschrift', awardDate: '2023-08-31', nlqf: '7', eqf: 7, profile: null },
  programme: { codeType: 'croho', code: '66980', nameNl: 'Master Informatica', nameEn: 'Master Computer Science' },
  institution: { brin: '21PL', location: '01', name: 'Universiteit Utrecht', place: 'Utrecht' },
};

const options: DiplomaCredentialOptions = {
  id: '9f2c8a71-3d4e-4b5a-8c6d-7e8f9a0b1c2d',
  issuerDid: 'did:web:diplomaregister.example',
  validFrom: new Date('2026-11-23T10:15:30.987Z'),
  contextUrl: CONTEXT_URL,
  status: {
    revocation: { listUrl: `${BASE_URL}/status/revocation/3`, index: 94_567 },
    suspension: { listUrl: `${BASE_URL}/status/suspension/3`, index: 0 },
  },
};

describe('buildDiplomaCredential', () => {
  it('builds the VC 2.0 diploma credential', () => {
    expect(buildDiplomaCredential(havo, options)).toEqual({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://diplomaregister.example/contexts/diploma/v1'],
      id: 'urn:uuid:9f2c8a71-3d4e-4b5a-8c6d-7e8f9a0b1c2d',
      type: ['VerifiableCredential', 'DiplomaCredential'],
      issuer: 'did:web:diplomaregister.example',
      validFrom: '2026-11-23T10:15:30Z',
      credentialSubject: {
        givenName: 'Jan Pieter',
        familyNamePrefix: 'van der',
        familyName: 'Berg',
        name: 'Jan Pieter van der Berg',
        birthDate: '2006-05-31',
        achievement: {
          id: 'urn:uuid:0b6a9d8e-4c1f-4c55-9a53-3c1f2a0f7d11',
          type: 'Achievement',
          kind: 'diploma',
          title: [
            { '@value': 'Hoger algemeen voortgezet onderwijs', '@language': 'nl' },
            { '@value': 'Senior general secondary education', '@language': 'en' },
          ],
          profile: {
            code: 'NT',
            title: [
              { '@value': 'Natuur en Techniek', '@language': 'nl' },
              { '@value': 'Science and Technology', '@language': 'en' },
            ],
          },
          qualification: { type: 'Qualification', code: 'HAVO', codeScheme: 'vo', nlqfLevel: '4', eqfLevel: 4 },
          awardedBy: {
            type: 'AwardingProcess',
            awardingBody: { type: 'Organisation', institutionCode: '21PK', locationCode: '00', name: 'Stedelijk Lyceum', place: 'Utrecht' },
            awardingDate: '2024-07-12',
          },
        },
      },
      credentialStatus: [
        {
          id: 'https://diplomaregister.example/status/revocation/3#94567',
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListIndex: '94567',
          statusListCredential: 'https://diplomaregister.example/status/revocation/3',
        },
        {
          id: 'https://diplomaregister.example/status/suspension/3#0',
          type: 'BitstringStatusListEntry',
          statusPurpose: 'suspension',
          statusListIndex: '0',
          statusListCredential: 'https://diplomaregister.example/status/suspension/3',
        },
      ],
    });
  });

  it('leaves out the name prefix and the profile when there are none', () => {
    const vc = buildDiplomaCredential(master, { ...options, id: `urn:uuid:${options.id}` });
    expect(vc.id).toBe('urn:uuid:9f2c8a71-3d4e-4b5a-8c6d-7e8f9a0b1c2d');
    expect(vc.credentialSubject).not.toHaveProperty('familyNamePrefix');
    expect(vc.credentialSubject.name).toBe('Łukasz Dvořák');
    expect(vc.credentialSubject.achievement).not.toHaveProperty('profile');
    expect(vc.credentialSubject.achievement.kind).toBe('getuigschrift');
    expect(vc.credentialSubject.achievement.qualification).toEqual({ type: 'Qualification', code: '66980', codeScheme: 'croho', nlqfLevel: '7', eqfLevel: 7 });
    const blankPrefix = buildDiplomaCredential({ ...master, holder: { ...master.holder, prefix: '  ' } }, options);
    expect(blankPrefix.credentialSubject).not.toHaveProperty('familyNamePrefix');
  });

  it('refuses input it cannot put in a signed credential', () => {
    const bad: Array<[DiplomaCredentialInput, DiplomaCredentialOptions]> = [
      [{ ...havo, holder: { ...havo.holder, birthDate: '31-05-2006' } }, options],
      [{ ...havo, holder: { ...havo.holder, birthDate: '2006-02-30' } }, options],
      [{ ...havo, holder: { ...havo.holder, familyName: ' ' } }, options],
      [{ ...havo, diploma: { ...havo.diploma, id: '42' } }, options],
      [{ ...havo, diploma: { ...havo.diploma, eqf: 9 } }, options],
      [{ ...havo, diploma: { ...havo.diploma, awardDate: '2024-7-12' } }, options],
      [{ ...havo, programme: { ...havo.programme, nameEn: '' } }, options],
      [havo, { ...options, id: 'https://example.org/credentials/1' }],
      [havo, { ...options, issuerDid: 'https://diplomaregister.example' }],
      [havo, { ...options, validFrom: new Date('not a date') }],
    ];
    for (const [input, opts] of bad) expect(() => buildDiplomaCredential(input, opts)).toThrow(DiplomaCredentialInputError);
  });

  it('signs and verifies as a vc+jwt', async () => {
    const key = await generateSigningKey();
    const vc = buildDiplomaCredential(havo, options);
    const jws = await signCredential(vc, key);
    const result = await verifyCredentialJwt(jws, async (kid) => (kid === key.kid ? key.publicJwk : undefined), { now: options.validFrom });
    expect(result.credential).toEqual(vc);
  });
});

describe('diploma context', () => {
  const v2 = vectorJson('contexts/credentials-v2.jsonld')['@context'];
  const ours = diplomaContext(`${BASE_URL}/`)['@context'];

  it('is served under /contexts/diploma/v1 and maps into our vocabulary, whatever the trailing slash', () => {
    expect(diplomaContextUrl('https://diplomaregister.example/')).toBe('https://diplomaregister.example/contexts/diploma/v1');
    expect(diplomaVocabularyUrl(BASE_URL)).toBe('https://diplomaregister.example/vocab#');
    expect(diplomaContext(BASE_URL)).toEqual(diplomaContext(`${BASE_URL}/`));
  });

  it('is protected, has no @vocab, and maps every term to an IRI in our vocabulary', () => {
    expect(ours['@protected']).toBe(true);
    expect(ours).not.toHaveProperty('@vocab');
    const vocab = diplomaVocabularyUrl(BASE_URL);
    for (const [term, definition] of Object.entries(ours)) {
      if (term.startsWith('@')) continue;
      const iri = typeof definition === 'string' ? definition : (definition as { '@id': string })['@id'];
      expect(iri, term).toBe(`${vocab}${term}`);
    }
  });

  it('does not redefine any term the VC 2.0 base context protects', () => {
    const clashes = Object.keys(ours).filter((term) => !term.startsWith('@') && term in v2);
    expect(clashes).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Our credential against VC Data Model 2.0: the structural rules through the verifier's own check
// (src/verification/credential-shape.ts; tests/verification/pipeline.test.ts runs it over every
// input of w3c/vc-data-model-2.0-test-suite), and what that plain-JSON check cannot see: every
// property and type must be a term of a pinned context (never fetched), or JSON-LD processing
// silently drops it.

type Json = any;
const KNOWN_CONTEXTS: Record<string, Json> = {
  'https://www.w3.org/ns/credentials/v2': vectorJson('contexts/credentials-v2.jsonld'),
  'https://www.w3.org/ns/credentials/status/v1': vectorJson('contexts/bitstring-status-list-v1.jsonld'),
  [CONTEXT_URL]: diplomaContext(BASE_URL),
};

const isUrl = (value: unknown) => typeof value === 'string' && URL.canParse(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
const isObject = (value: unknown): value is Record<string, Json> => !!value && typeof value === 'object' && !Array.isArray(value);

interface Terms {
  definitions: Map<string, string>;
  protectedTerms: Set<string>;
}

function processContext(ctx: Record<string, Json>, terms: Terms, problems: string[]): void {
  const isProtected = ctx['@protected'] === true;
  for (const [term, definition] of Object.entries(ctx)) {
    if (term.startsWith('@')) continue;
    const canonical = JSON.stringify(definition);
    if (terms.protectedTerms.has(term) && terms.definitions.get(term) !== canonical) problems.push(`redefines protected term ${term}`);
    terms.definitions.set(term, canonical);
    if (isProtected) terms.protectedTerms.add(term);
    if (isObject(definition) && isObject(definition['@context'])) {
      // type- and property-scoped terms: counted as defined (enough for a "is every term mapped" check)
      for (const scoped of Object.keys(definition['@context'])) {
        if (!terms.definitions.has(scoped)) terms.definitions.set(scoped, JSON.stringify(definition['@context'][scoped]));
      }
    }
  }
}

/** Terms of `doc` that none of its (pinned) contexts defines, and contexts outside the pinned set. */
function unmappedTerms(doc: Json): string[] {
  const problems: string[] = [];
  const terms: Terms = { definitions: new Map(), protectedTerms: new Set() };
  for (const entry of asArray(doc['@context'])) {
    if (typeof entry === 'string' && KNOWN_CONTEXTS[entry]) processContext(KNOWN_CONTEXTS[entry]['@context'], terms, problems);
    else if (isObject(entry)) processContext(entry, terms, problems);
    else problems.push(`context ${JSON.stringify(entry)} is not pinned`);
  }
  const mapped = (name: unknown) => typeof name === 'string' && (terms.definitions.has(name) || isUrl(name));
  for (const t of asArray(doc.type)) if (!mapped(t)) problems.push(`type ${JSON.stringify(t)} is not mapped`);
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
    if (!isObject(node)) return;
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('@')) continue;
      if (!mapped(k)) problems.push(`property ${path}.${k} is not mapped`);
      if (k !== 'type') walk(v, `${path}.${k}`);
      else if (path !== '$') for (const t of asArray(v)) if (!mapped(t)) problems.push(`type ${t} at ${path} is not mapped`);
    }
  };
  walk(doc, '$');
  return problems;
}

describe('our credential under VC Data Model 2.0', () => {
  for (const [label, input] of [
    ['vo diploma with profile and name prefix', havo],
    ['ho getuigschrift without prefix or profile', master],
  ] as const) {
    it(`follows the structural rules the verifier enforces: ${label}`, () => {
      expect(findShapeViolation(buildDiplomaCredential(input, options) as Json)).toBeUndefined();
    });

    it(`maps every property and type to a term of its contexts: ${label}`, () => {
      expect(unmappedTerms(buildDiplomaCredential(input, options))).toEqual([]);
    });
  }

  it('the term check would catch an undefined term, a redefined protected term or an unpinned context', () => {
    const vc = buildDiplomaCredential(havo, options) as Json;
    vc.credentialSubject.achievement.grade = '7.5';
    vc.credentialSubject.achievement.type = 'DiplomaAchievement';
    expect(unmappedTerms(vc)).toEqual([
      'type DiplomaAchievement at $.credentialSubject.achievement is not mapped',
      'property $.credentialSubject.achievement.grade is not mapped',
    ]);
    const redefining = { ...buildDiplomaCredential(havo, options), '@context': [...buildDiplomaCredential(havo, options)['@context'], { name: 'https://evil.example/name' }] };
    expect(unmappedTerms(redefining)).toEqual(['redefines protected term name']);
    const unpinned = { ...buildDiplomaCredential(havo, options), '@context': ['https://www.w3.org/ns/credentials/v2', 'https://elsewhere.example/context'] };
    expect(unmappedTerms(unpinned)).toContain('context "https://elsewhere.example/context" is not pinned');
  });

  it('has the members and types the -ok inputs have', () => {
    const vc = buildDiplomaCredential(havo, options);
    expect(vc['@context'][0]).toBe('https://www.w3.org/ns/credentials/v2');
    expect(vc.type).toContain('VerifiableCredential');
    expect(vc.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(isUrl(vc.issuer) && vc.issuer.startsWith('did:web:')).toBe(true);
    expect(vc.validFrom).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Object.keys(vc.credentialSubject).length).toBeGreaterThan(0);
    expect(vc.credentialStatus.map((s) => [s.type, s.statusPurpose, typeof s.statusListIndex])).toEqual([
      ['BitstringStatusListEntry', 'revocation', 'string'],
      ['BitstringStatusListEntry', 'suspension', 'string'],
    ]);
  });
});
