// Structural rules of VC Data Model 2.0 that a plain-JSON verifier can enforce without JSON-LD
// processing (contexts are pinned, never fetched). The first violation found is reported.
//
// Rules (rule id → what it requires):
//   no-jwt-claims     no `vc`/`vp` members (VC-JOSE-COSE: the payload is the credential)
//   context           @context is an array whose first entry is the VC 2.0 context URL; later
//                     entries are URL strings or inline context objects
//   inline-context    inline contexts map terms to absolute URLs (or {@id: URL}), keep @vocab a
//                     URL (null would leave types unmapped), redefine no term of the VC 2.0 base
//                     context and no term an earlier @protected inline context defined
//   type              `type` is a string or an array of strings that includes VerifiableCredential
//   id                `id`, where present, is a single URL
//   issuer            `issuer` is a URL, or an object whose `id` is a URL
//   subject           `credentialSubject` is an object or a non-empty array of objects, each with
//                     at least one claim; a subject `id` is a single URL
//   date-time         validFrom/validUntil are XML Schema dateTimeStamps, validFrom ≤ validUntil
//   typed-entries     each entry of credentialStatus, credentialSchema, evidence, refreshService,
//                     termsOfUse and proof has a `type` (string or array of strings) and, where
//                     present, an `id` URL; credentialSchema entries need the `id`
//   language-values   name/description are strings or language value objects
//                     ({@value, @language?, @direction?}, nothing else), or arrays of those
import { VC_V2_CONTEXT_URL } from '../credentials/context.ts';

export type ShapeRule =
  | 'no-jwt-claims'
  | 'context'
  | 'inline-context'
  | 'type'
  | 'id'
  | 'issuer'
  | 'subject'
  | 'date-time'
  | 'typed-entries'
  | 'language-values';

export interface ShapeViolation {
  rule: ShapeRule;
  /** JSON Pointer to the offending member */
  pointer: string;
  message: string;
}

/** Terms the VC 2.0 base context defines and protects (types and credential properties). */
const BASE_CONTEXT_TERMS = new Set([
  'id', 'type', 'VerifiableCredential', 'VerifiablePresentation', 'EnvelopedVerifiableCredential',
  'EnvelopedVerifiablePresentation', 'JsonSchemaCredential', 'JsonSchema', 'BitstringStatusListCredential',
  'BitstringStatusList', 'BitstringStatusListEntry', 'DataIntegrityProof', 'credentialSubject', 'issuer',
  'validFrom', 'validUntil', 'credentialStatus', 'credentialSchema', 'evidence', 'refreshService',
  'termsOfUse', 'proof', 'holder', 'verifiableCredential', 'name', 'description', 'confidenceMethod',
  'relatedResource', 'renderMethod',
]);

const TYPED_ENTRY_MEMBERS = ['credentialStatus', 'credentialSchema', 'evidence', 'refreshService', 'termsOfUse', 'proof'] as const;

// XML Schema dateTimeStamp (a time zone is required), as in credentials/vc-jwt.ts
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

class Violation extends Error {
  constructor(
    readonly rule: ShapeRule,
    readonly pointer: string,
    message: string,
  ) {
    super(message);
  }
}

/** The first rule the credential breaks, or undefined when it follows all of them. */
export function findShapeViolation(credential: Record<string, unknown>): ShapeViolation | undefined {
  try {
    checkShape(credential);
    return undefined;
  } catch (error) {
    if (error instanceof Violation) return { rule: error.rule, pointer: error.pointer, message: error.message };
    throw error;
  }
}

function checkShape(vc: Record<string, unknown>): void {
  if ('vc' in vc || 'vp' in vc) throw new Violation('no-jwt-claims', '/vc', 'a vc+jwt payload is the credential itself, without vc/vp claims');
  checkContext(vc['@context']);

  const type = vc.type;
  if (!isStringOrStrings(type) || !(type === 'VerifiableCredential' || (Array.isArray(type) && type.includes('VerifiableCredential')))) {
    throw new Violation('type', '/type', 'type must include VerifiableCredential');
  }
  if ('id' in vc && !isUrl(vc.id)) throw new Violation('id', '/id', 'id must be a single URL');

  const issuer = vc.issuer;
  const issuerId = isObject(issuer) ? issuer.id : issuer;
  if (!isUrl(issuerId)) throw new Violation('issuer', '/issuer', 'issuer must be a URL or an object with a URL id');

  checkSubjects(vc.credentialSubject);
  checkValidityPeriod(vc);
  for (const member of TYPED_ENTRY_MEMBERS) if (member in vc) checkTypedEntries(member, vc[member]);
  for (const member of ['name', 'description'] as const) if (member in vc) checkLanguageValues(member, vc[member]);
  // VC DM 2.0 §4.6 holds the issuer's name and description to the same rule
  if (isObject(issuer)) for (const member of ['name', 'description'] as const) if (member in issuer) checkLanguageValues(member, issuer[member], '/issuer');
}

function checkContext(context: unknown): void {
  if (!Array.isArray(context) || context[0] !== VC_V2_CONTEXT_URL) {
    throw new Violation('context', '/@context', `@context must be an array starting with ${VC_V2_CONTEXT_URL}`);
  }
  const protectedTerms = new Map<string, string>();
  context.forEach((entry: unknown, i) => {
    if (i === 0) return;
    const pointer = `/@context/${i}`;
    if (typeof entry === 'string') {
      if (!isUrl(entry)) throw new Violation('context', pointer, 'a context reference must be a URL');
      return;
    }
    if (!isObject(entry)) throw new Violation('context', pointer, 'a context entry must be a URL or an object');
    for (const [term, definition] of Object.entries(entry)) {
      const at = `${pointer}/${term}`;
      if (term === '@vocab' && !isUrl(definition)) throw new Violation('inline-context', at, '@vocab must be a URL');
      if (term.startsWith('@')) continue;
      if (BASE_CONTEXT_TERMS.has(term)) throw new Violation('inline-context', at, `${term} is protected by the VC 2.0 context`);
      const iri = isObject(definition) ? definition['@id'] : definition;
      if (!isUrl(iri)) throw new Violation('inline-context', at, `${term} must map to an absolute URL`);
      const earlier = protectedTerms.get(term);
      if (earlier !== undefined && earlier !== iri) throw new Violation('inline-context', at, `${term} is protected by an earlier context`);
      if (entry['@protected'] === true) protectedTerms.set(term, iri);
    }
  });
}

function checkSubjects(subjects: unknown): void {
  const list = Array.isArray(subjects) ? subjects : [subjects];
  if (subjects === undefined || list.length === 0) throw new Violation('subject', '/credentialSubject', 'credentialSubject is required');
  list.forEach((subject: unknown, i) => {
    const pointer = Array.isArray(subjects) ? `/credentialSubject/${i}` : '/credentialSubject';
    if (!isObject(subject) || Object.keys(subject).length === 0) {
      throw new Violation('subject', pointer, 'a credential subject must be an object with at least one claim');
    }
    if ('id' in subject && !isUrl(subject.id)) throw new Violation('subject', `${pointer}/id`, 'a subject id must be a single URL');
  });
}

function checkValidityPeriod(vc: Record<string, unknown>): void {
  const times: Partial<Record<'validFrom' | 'validUntil', number>> = {};
  for (const member of ['validFrom', 'validUntil'] as const) {
    if (!(member in vc)) continue;
    const value = vc[member];
    const time = typeof value === 'string' && DATE_TIME_STAMP.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(time)) throw new Violation('date-time', `/${member}`, `${member} must be an XML Schema dateTimeStamp`);
    times[member] = time;
  }
  if (times.validFrom !== undefined && times.validUntil !== undefined && times.validFrom > times.validUntil) {
    throw new Violation('date-time', '/validUntil', 'validUntil must not be before validFrom');
  }
}

function checkTypedEntries(member: (typeof TYPED_ENTRY_MEMBERS)[number], value: unknown): void {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((entry: unknown, i) => {
    const pointer = Array.isArray(value) ? `/${member}/${i}` : `/${member}`;
    if (!isObject(entry)) throw new Violation('typed-entries', pointer, `${member} entries must be objects`);
    if (!isStringOrStrings(entry.type) || (Array.isArray(entry.type) && entry.type.length === 0)) {
      throw new Violation('typed-entries', `${pointer}/type`, `${member} entries need a type`);
    }
    if (member === 'credentialSchema' && !('id' in entry)) throw new Violation('typed-entries', `${pointer}/id`, 'a credentialSchema needs an id');
    if ('id' in entry && !isUrl(entry.id)) throw new Violation('typed-entries', `${pointer}/id`, `a ${member} id must be a single URL`);
  });
}

const LANGUAGE_VALUE_MEMBERS = new Set(['@value', '@language', '@direction']);

/** `at`: the pointer of the object holding the member ('' for the credential, '/issuer' for its issuer). */
function checkLanguageValues(member: 'name' | 'description', value: unknown, at = ''): void {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((entry: unknown, i) => {
    if (typeof entry === 'string') return;
    const pointer = Array.isArray(value) ? `${at}/${member}/${i}` : `${at}/${member}`;
    const ok =
      isObject(entry) &&
      typeof entry['@value'] === 'string' &&
      Object.keys(entry).every((key) => LANGUAGE_VALUE_MEMBERS.has(key)) &&
      (entry['@language'] === undefined || typeof entry['@language'] === 'string') &&
      (entry['@direction'] === undefined || entry['@direction'] === 'ltr' || entry['@direction'] === 'rtl');
    if (!ok) throw new Violation('language-values', pointer, `${member} must be a string or a language value object`);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringOrStrings(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}

/** A single absolute URL (any scheme, so DIDs and urn:uuid count), without whitespace. */
function isUrl(value: unknown): value is string {
  return typeof value === 'string' && !/\s/.test(value) && URL.canParse(value);
}
