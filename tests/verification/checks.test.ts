import { describe, expect, it } from 'vitest';
import {
  CHECK_CODES,
  deriveVerdict,
  PIPELINE_CHECK_IDS,
  VERDICT_LABELS,
  type Check,
  type CheckCode,
  type CheckId,
  type Verdict,
} from '../../src/verification/checks.ts';
import { CHECK_MESSAGES } from '../../src/verification/messages.ts';

const make = (id: CheckId, status: Check['status'], code: CheckCode): Check => ({ id, status, code, message: CHECK_MESSAGES[code] });
const allPassed = (): Check[] => PIPELINE_CHECK_IDS.map((id) => make(id, 'passed', 'FORMAT_VALID'));
const withCheck = (checks: Check[], replacement: Check) => [...checks.filter((c) => c.id !== replacement.id), replacement];

// Every failure the pipeline can report, with the verdict it alone must give (DESIGN §6 table in checks.ts).
const FAILURES: Array<[CheckId, CheckCode, Verdict]> = [
  ['format', 'FORMAT_INVALID', 'not_authentic'],
  ['format', 'FORMAT_TOO_LARGE', 'not_authentic'],
  ['format', 'FORMAT_HEADER_INVALID', 'not_authentic'],
  ['format', 'FORMAT_CREDENTIAL_INVALID', 'not_authentic'],
  ['signature', 'SIGNATURE_INVALID', 'not_authentic'],
  ['signature', 'SIGNATURE_ALG_UNSUPPORTED', 'not_authentic'],
  ['issuer', 'KEY_UNKNOWN', 'not_authentic'],
  ['issuer', 'KEY_COMPROMISED', 'not_authentic'],
  ['issuer', 'ISSUER_MISMATCH', 'not_authentic'],
  ['issuer', 'KEYS_UNAVAILABLE', 'unknown'],
  ['binding', 'BINDING_MISMATCH', 'not_authentic'],
  ['status', 'STATUS_REVOKED', 'revoked'],
  ['status', 'STATUS_SUSPENDED', 'suspended'],
  ['status', 'STATUS_UNKNOWN', 'unknown'],
  ['validity', 'NOT_YET_VALID', 'not_authentic'],
  ['validity', 'EXPIRED', 'not_authentic'],
  ['validity', 'VALIDITY_TIME_INVALID', 'not_authentic'],
  ['register', 'REGISTER_SUPERSEDED', 'superseded'],
  ['register', 'REGISTER_WITHDRAWN', 'revoked'],
  ['register', 'REGISTER_REVOKED', 'revoked'],
  ['register', 'REGISTER_UNKNOWN', 'not_authentic'],
  ['register', 'REGISTER_UNAVAILABLE', 'unknown'],
  // the PDF entrance: the file, its seal (a second `signature` check) and the binding
  // no extract to check at all: "could not be checked", never "not authentic" (DESIGN §6)
  ['format', 'PDF_INVALID', 'unreadable'],
  ['format', 'PDF_TOO_LARGE', 'unreadable'],
  ['format', 'PDF_NO_CREDENTIAL', 'unreadable'],
  ['format', 'PDF_CREDENTIAL_INVALID', 'not_authentic'],
  ['signature', 'SEAL_MISSING', 'not_authentic'],
  ['signature', 'SEAL_INVALID', 'not_authentic'],
  ['signature', 'SEAL_NOT_OURS', 'not_authentic'],
  ['signature', 'SEAL_DOCUMENT_MODIFIED', 'not_authentic'],
  ['binding', 'BINDING_UNAVAILABLE', 'unknown'],
];
// the precedence the verdict must follow, worst first (stated here, not read from checks.ts)
const PRECEDENCE: Verdict[] = ['not_authentic', 'unreadable', 'superseded', 'revoked', 'suspended', 'unknown', 'authentic'];
const rank = (v: Verdict) => PRECEDENCE.indexOf(v);

describe('deriveVerdict', () => {
  it('is authentic when every pipeline check passed, with or without warnings and a passed binding', () => {
    expect(deriveVerdict(allPassed())).toBe('authentic');
    expect(deriveVerdict(withCheck(allPassed(), make('issuer', 'warning', 'ISSUER_KEY_RETIRED')))).toBe('authentic');
    expect(deriveVerdict([...allPassed(), make('binding', 'passed', 'BINDING_VALID')])).toBe('authentic');
  });

  it('is unknown when a pipeline check is missing or skipped although nothing failed', () => {
    for (const id of PIPELINE_CHECK_IDS) {
      expect(deriveVerdict(allPassed().filter((c) => c.id !== id))).toBe('unknown');
      expect(deriveVerdict(withCheck(allPassed(), make(id, 'skipped', 'SKIPPED_FORMAT_INVALID')))).toBe('unknown');
    }
    expect(deriveVerdict([])).toBe('unknown');
  });

  it.each(FAILURES)('a single failed %s check with %s gives %s', (id, code, verdict) => {
    expect(deriveVerdict(withCheck(allPassed(), make(id, 'failed', code)))).toBe(verdict);
  });

  it('follows the precedence for every pair of failures (on different or the same check)', () => {
    let pairs = 0;
    for (const [idA, codeA, verdictA] of FAILURES) {
      for (const [idB, codeB, verdictB] of FAILURES) {
        const checks = [...allPassed().filter((c) => c.id !== idA && c.id !== idB), make(idA, 'failed', codeA), make(idB, 'failed', codeB)];
        const expected = rank(verdictA) <= rank(verdictB) ? verdictA : verdictB;
        expect(deriveVerdict(checks), `${codeA} + ${codeB}`).toBe(expected);
        pairs++;
      }
    }
    expect(pairs).toBe(FAILURES.length ** 2);
  });

  it('reads a PDF result (two signature checks: credential and seal, then binding) the same way', () => {
    const pdf = (seal: Check, binding: Check) => {
      const [format, signature, ...rest] = allPassed();
      return [format!, signature!, seal, ...rest, binding];
    };
    expect(deriveVerdict(pdf(make('signature', 'passed', 'SEAL_VALID'), make('binding', 'passed', 'BINDING_VALID')))).toBe('authentic');
    expect(deriveVerdict(pdf(make('signature', 'failed', 'SEAL_DOCUMENT_MODIFIED'), make('binding', 'passed', 'BINDING_VALID')))).toBe('not_authentic');
    expect(deriveVerdict(pdf(make('signature', 'passed', 'SEAL_VALID'), make('binding', 'failed', 'BINDING_MISMATCH')))).toBe('not_authentic');
    // a withdrawn extract uploaded untouched: revoked, not forged
    const withdrawn = withCheck(pdf(make('signature', 'passed', 'SEAL_VALID'), make('binding', 'passed', 'BINDING_VALID')), make('register', 'failed', 'REGISTER_WITHDRAWN'));
    expect(deriveVerdict(withdrawn)).toBe('revoked');
  });

  it('lets a forgery outrank everything, even with every other check failing too', () => {
    const everything = FAILURES.map(([id, code]) => make(id, 'failed', code));
    expect(deriveVerdict(everything)).toBe('not_authentic');
    const noForgery = FAILURES.filter(([, , v]) => v !== 'not_authentic').map(([id, code]) => make(id, 'failed', code));
    expect(deriveVerdict(noForgery)).toBe('unreadable');
    const anExtract = FAILURES.filter(([, , v]) => v !== 'not_authentic' && v !== 'unreadable').map(([id, code]) => make(id, 'failed', code));
    expect(deriveVerdict(anExtract)).toBe('superseded');
  });

  it('covers every failure code the vocabulary has', () => {
    const passedCodes = ['FORMAT_VALID', 'SIGNATURE_VALID', 'ISSUER_VALID', 'ISSUER_KEY_RETIRED', 'STATUS_VALID', 'VALIDITY_VALID', 'REGISTER_ACTIVE', 'BINDING_VALID', 'SEAL_VALID'];
    const failureCodes = CHECK_CODES.filter((c) => !passedCodes.includes(c) && !c.startsWith('SKIPPED_'));
    expect(new Set(FAILURES.map(([, code]) => code))).toEqual(new Set(failureCodes));
  });
});

describe('messages and labels', () => {
  it('has a Dutch and an English text for every code and verdict', () => {
    for (const code of CHECK_CODES) {
      expect(CHECK_MESSAGES[code].nl.length, code).toBeGreaterThan(10);
      expect(CHECK_MESSAGES[code].en.length, code).toBeGreaterThan(10);
      expect(CHECK_MESSAGES[code].nl).not.toBe(CHECK_MESSAGES[code].en);
    }
    expect(Object.values(VERDICT_LABELS).map((l) => l.nl)).toEqual(['Echt', 'Ingetrokken', 'Vervangen', 'Geschorst', 'Niet echt', 'Status onbekend', 'Kon niet worden gecontroleerd']);
  });

  it('tells what to do on every failure', () => {
    for (const [, code] of FAILURES) {
      expect(CHECK_MESSAGES[code].nl, code).toMatch(/vervalsing|nieuw uittreksel|later opnieuw|contact op/);
      expect(CHECK_MESSAGES[code].en, code).toMatch(/forgery|new extract|again later|contact/);
    }
  });
});
