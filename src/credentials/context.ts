// Our JSON-LD context for the diploma credential, served by the app at diplomaContextUrl(baseUrl)
// and pinned: verifiers never fetch it. Every term is mapped explicitly (no @vocab) into our own
// namespace, and protected so a later context cannot redefine it. Term names follow the European
// Learning Model (awardedBy → AwardingProcess → awardingBody, awardingDate, eqfLevel) and Open
// Badges 3.0 (achievement) so the shape maps onto both. `id`, `type` and `name` come from the
// VC 2.0 base context, which protects them; redefining them here would make JSON-LD processing fail.

export const VC_V2_CONTEXT_URL = 'https://www.w3.org/ns/credentials/v2';

const XSD_DATE = 'http://www.w3.org/2001/XMLSchema#date';
const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';

function withoutTrailingSlash(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function diplomaContextUrl(baseUrl: string): string {
  return `${withoutTrailingSlash(baseUrl)}/contexts/diploma/v1`;
}

export function diplomaVocabularyUrl(baseUrl: string): string {
  return `${withoutTrailingSlash(baseUrl)}/vocab#`;
}

export function diplomaContext(baseUrl: string) {
  const ns = diplomaVocabularyUrl(baseUrl);
  return {
    '@context': {
      '@version': 1.1,
      '@protected': true,

      DiplomaCredential: `${ns}DiplomaCredential`,
      Achievement: `${ns}Achievement`,
      Qualification: `${ns}Qualification`,
      AwardingProcess: `${ns}AwardingProcess`,
      Organisation: `${ns}Organisation`,

      // the holder (credentialSubject)
      givenName: `${ns}givenName`,
      familyNamePrefix: `${ns}familyNamePrefix`,
      familyName: `${ns}familyName`,
      birthDate: { '@id': `${ns}birthDate`, '@type': XSD_DATE },

      // the achievement: what was awarded
      achievement: `${ns}achievement`,
      kind: `${ns}kind`,
      title: `${ns}title`,
      profile: `${ns}profile`,
      qualification: `${ns}qualification`,
      code: `${ns}code`,
      codeScheme: `${ns}codeScheme`,
      nlqfLevel: `${ns}nlqfLevel`,
      eqfLevel: { '@id': `${ns}eqfLevel`, '@type': XSD_INTEGER },

      // who awarded it, and when
      awardedBy: `${ns}awardedBy`,
      awardingBody: `${ns}awardingBody`,
      awardingDate: { '@id': `${ns}awardingDate`, '@type': XSD_DATE },
      institutionCode: `${ns}institutionCode`,
      locationCode: `${ns}locationCode`,
      place: `${ns}place`,
    },
  } as const;
}

export type DiplomaContextDocument = ReturnType<typeof diplomaContext>;
