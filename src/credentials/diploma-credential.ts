// The diploma as a W3C Verifiable Credential (VC Data Model 2.0), unsigned. The terms are defined
// by our context (./context.ts); the shape is explained there.
import { VC_V2_CONTEXT_URL } from './context.ts';
import {
  buildStatusListEntry,
  isoSeconds,
  type BitstringStatusListEntry,
  type StatusListEntryRef,
} from './status-list.ts';
import { RegisterError } from '../errors.ts';

export type { StatusListEntryRef } from './status-list.ts';

export type DiplomaKind = 'diploma' | 'getuigschrift' | 'certificaat';
export type QualificationCodeScheme = 'croho' | 'crebo' | 'vo';

export interface DiplomaCredentialInput {
  holder: { givenNames: string; prefix: string | null; familyName: string; birthDate: string /* YYYY-MM-DD */ };
  diploma: {
    /** the register's diploma id (a UUID) */
    id: string;
    kind: DiplomaKind;
    awardDate: string /* YYYY-MM-DD */;
    nlqf: string;
    eqf: number;
    profile: { code: string; nameNl: string; nameEn: string } | null;
  };
  programme: { codeType: QualificationCodeScheme; code: string; nameNl: string; nameEn: string };
  institution: { brin: string; location: string; name: string; place: string };
}

export interface DiplomaCredentialOptions {
  /** the credential id: a UUID, with or without the `urn:uuid:` prefix */
  id: string;
  issuerDid: string;
  validFrom: Date;
  /** diplomaContextUrl(baseUrl) */
  contextUrl: string;
  status: { revocation: StatusListEntryRef; suspension: StatusListEntryRef };
}

export interface LanguageValue {
  '@value': string;
  '@language': 'nl' | 'en';
}

export interface DiplomaCredential {
  '@context': [typeof VC_V2_CONTEXT_URL, string];
  id: string;
  type: ['VerifiableCredential', 'DiplomaCredential'];
  issuer: string;
  validFrom: string;
  credentialSubject: {
    givenName: string;
    /** the tussenvoegsel ("van der"), only when there is one */
    familyNamePrefix?: string;
    familyName: string;
    /** the full name as printed: given names, prefix, family name */
    name: string;
    birthDate: string;
    achievement: {
      /** urn:uuid of the diploma in the register */
      id: string;
      type: 'Achievement';
      kind: DiplomaKind;
      title: [LanguageValue, LanguageValue];
      /** vo only: the profile (e.g. "Natuur en Techniek") */
      profile?: { code: string; title: [LanguageValue, LanguageValue] };
      qualification: {
        type: 'Qualification';
        code: string;
        codeScheme: QualificationCodeScheme;
        nlqfLevel: string;
        eqfLevel: number;
      };
      awardedBy: {
        type: 'AwardingProcess';
        awardingBody: {
          type: 'Organisation';
          institutionCode: string;
          locationCode: string;
          name: string;
          place: string;
        };
        awardingDate: string;
      };
    };
  };
  credentialStatus: [BitstringStatusListEntry, BitstringStatusListEntry];
}

export class DiplomaCredentialInputError extends RegisterError {
  static override readonly code = 'DIPLOMA_CREDENTIAL_INPUT_INVALID';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function buildDiplomaCredential(input: DiplomaCredentialInput, opts: DiplomaCredentialOptions): DiplomaCredential {
  const { holder, diploma, programme, institution } = input;
  const prefix = clean(holder.prefix ?? '');
  const givenName = required('holder.givenNames', holder.givenNames);
  const familyName = required('holder.familyName', holder.familyName);
  if (!opts.issuerDid.startsWith('did:')) throw new DiplomaCredentialInputError(`issuer must be a DID, got ${opts.issuerDid}`);
  if (!Number.isInteger(diploma.eqf) || diploma.eqf < 1 || diploma.eqf > 8) {
    throw new DiplomaCredentialInputError(`diploma.eqf must be an integer 1-8, got ${diploma.eqf}`);
  }
  let validFrom: string;
  try {
    validFrom = isoSeconds(opts.validFrom);
  } catch {
    throw new DiplomaCredentialInputError('validFrom is not a valid date');
  }

  return {
    '@context': [VC_V2_CONTEXT_URL, opts.contextUrl],
    id: uuidUrn('id', opts.id),
    type: ['VerifiableCredential', 'DiplomaCredential'],
    issuer: opts.issuerDid,
    validFrom,
    credentialSubject: {
      givenName,
      ...(prefix ? { familyNamePrefix: prefix } : {}),
      familyName,
      name: [givenName, prefix, familyName].filter(Boolean).join(' '),
      birthDate: isoDate('holder.birthDate', holder.birthDate),
      achievement: {
        id: uuidUrn('diploma.id', diploma.id),
        type: 'Achievement',
        kind: diploma.kind,
        title: languageValues(programme.nameNl, programme.nameEn),
        ...(diploma.profile
          ? { profile: { code: diploma.profile.code, title: languageValues(diploma.profile.nameNl, diploma.profile.nameEn) } }
          : {}),
        qualification: {
          type: 'Qualification',
          code: required('programme.code', programme.code),
          codeScheme: programme.codeType,
          nlqfLevel: required('diploma.nlqf', diploma.nlqf),
          eqfLevel: diploma.eqf,
        },
        awardedBy: {
          type: 'AwardingProcess',
          awardingBody: {
            type: 'Organisation',
            institutionCode: required('institution.brin', institution.brin),
            locationCode: required('institution.location', institution.location),
            name: required('institution.name', institution.name),
            place: required('institution.place', institution.place),
          },
          awardingDate: isoDate('diploma.awardDate', diploma.awardDate),
        },
      },
    },
    credentialStatus: [
      buildStatusListEntry('revocation', opts.status.revocation),
      buildStatusListEntry('suspension', opts.status.suspension),
    ],
  };
}

function clean(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

function required(field: string, value: string): string {
  const cleaned = clean(value ?? '');
  if (!cleaned) throw new DiplomaCredentialInputError(`${field} is empty`);
  return cleaned;
}

function languageValues(nl: string, en: string): [LanguageValue, LanguageValue] {
  return [
    { '@value': required('name (nl)', nl), '@language': 'nl' },
    { '@value': required('name (en)', en), '@language': 'en' },
  ];
}

function uuidUrn(field: string, value: string): string {
  const uuid = value.startsWith('urn:uuid:') ? value.slice('urn:uuid:'.length) : value;
  if (!UUID.test(uuid)) throw new DiplomaCredentialInputError(`${field} must be a UUID, got ${value}`);
  return `urn:uuid:${uuid.toLowerCase()}`;
}

function isoDate(field: string, value: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new DiplomaCredentialInputError(`${field} must be a date YYYY-MM-DD, got ${value}`);
  }
  return value;
}
