import { describe, expect, it } from 'vitest';
import { isValidBsn, codeTypeForSector } from '../../src/domain/codes.ts';
import { isConsistentLevel, nlqfToEqf } from '../../src/domain/levels.ts';
import { subjectIdForBsn } from '../../src/domain/pseudonym.ts';
import { canonicalJson } from '../../src/lib/canonical-json.ts';
import { loadConfig, ConfigError, didWebFor } from '../../src/config.ts';
import { syntheticBsn } from '../../db/demo/generate.ts';

describe('BSN eleven test', () => {
  it('accepts valid and rejects invalid numbers', () => {
    expect(isValidBsn('999990019')).toBe(true);
    expect(isValidBsn('111222333')).toBe(true);
    expect(isValidBsn('123456789')).toBe(false);
    expect(isValidBsn('99999001')).toBe(false);
    expect(isValidBsn('000000000')).toBe(false);
    expect(isValidBsn('99999001x')).toBe(false);
  });
  it('synthetic BSNs always pass it', () => {
    for (let i = 0; i < 2000; i++) {
      const bsn = syntheticBsn(i);
      if (bsn) expect(isValidBsn(bsn), bsn).toBe(true);
    }
  });
});

describe('levels and codes', () => {
  it('maps NLQF to EQF (4+ is EQF 4)', () => {
    expect(nlqfToEqf['4+']).toBe(4);
    expect(isConsistentLevel('6', 6)).toBe(true);
    expect(isConsistentLevel('6', 5)).toBe(false);
    expect(codeTypeForSector('mbo')).toBe('crebo');
    expect(codeTypeForSector('wo')).toBe('croho');
  });
});

describe('pseudonyms', () => {
  it('are deterministic per secret, differ across secrets, and never contain the BSN', async () => {
    const a = await subjectIdForBsn('s'.repeat(32), '999990019');
    expect(a).toBe(await subjectIdForBsn('s'.repeat(32), '999990019'));
    expect(a).not.toBe(await subjectIdForBsn('t'.repeat(32), '999990019'));
    expect(a).toMatch(/^ps1_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain('999990019');
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 0 }], c: 'é' } })).toBe('{"a":{"c":"é","d":[2,{"x":0,"z":1}]},"b":1}');
  });
});

describe('configuration', () => {
  it('has working defaults and derives did:web from the public URL', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, publicBaseUrl: 'http://localhost:3000', did: 'did:web:localhost%3A3000', pgliteDataDir: '.data/pglite' });
    expect(didWebFor('https://diplomaregister.nl')).toBe('did:web:diplomaregister.nl');
    expect(didWebFor('https://example.org/register/nl/')).toBe('did:web:example.org:register:nl');
  });
  it('rejects bad values with every issue named', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', PSEUDONYM_SECRET: 'short' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.split(':')[0])).toEqual(['PORT', 'DATABASE_URL', 'PSEUDONYM_SECRET']);
    }
  });
});

// Problem, field and error codes against the one table: tests/unit/error-codes.test.ts (from the types).
