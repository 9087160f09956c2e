// What each check code means for the person holding the document, in plain Dutch and English
// (B1 level), with what to do next. Typed over every code, so a new code without text fails tsc.
import type { CheckCode, LocalizedText } from './checks.ts';

const FORGERY_NL = 'Vertrouw dit document niet en meld een vermoedelijke vervalsing.';
const FORGERY_EN = 'Do not trust this document and report suspected forgery.';
const NEW_EXTRACT_NL = 'Vraag de houder om een nieuw uittreksel.';
const NEW_EXTRACT_EN = 'Ask the holder for a new extract.';
const TRY_LATER_NL = 'Probeer het later opnieuw. Accepteer het document tot dan niet als bewijs.';
const TRY_LATER_EN = 'Try again later. Until then, do not accept the document as proof.';

export const CHECK_MESSAGES: Record<CheckCode, LocalizedText> = {
  FORMAT_VALID: {
    nl: 'Het bewijs heeft de juiste vorm.',
    en: 'The credential has the correct form.',
  },
  FORMAT_INVALID: {
    nl: `Dit is geen digitaal diplomabewijs dat wij kunnen lezen. Controleer of u het hele bestand of de hele code heeft gebruikt. Lukt het niet? ${NEW_EXTRACT_NL}`,
    en: `This is not a digital diploma credential we can read. Check that you used the whole file or code. Still failing? ${NEW_EXTRACT_EN}`,
  },
  FORMAT_TOO_LARGE: {
    nl: `Dit bewijs is veel groter dan een echt diplomabewijs. Het is niet door het register gemaakt. ${FORGERY_NL}`,
    en: `This credential is much larger than a real diploma credential. It was not made by the register. ${FORGERY_EN}`,
  },
  FORMAT_HEADER_INVALID: {
    nl: `Het bewijs is niet gemaakt zoals het register dat doet. ${FORGERY_NL}`,
    en: `The credential is not made the way the register makes it. ${FORGERY_EN}`,
  },
  FORMAT_CREDENTIAL_INVALID: {
    nl: `De inhoud van het bewijs voldoet niet aan de regels voor digitale diplomabewijzen. ${FORGERY_NL}`,
    en: `The content of the credential does not follow the rules for digital credentials. ${FORGERY_EN}`,
  },
  SIGNATURE_VALID: {
    nl: 'De digitale handtekening klopt: niemand heeft het bewijs veranderd.',
    en: 'The digital signature is valid: nobody has changed the credential.',
  },
  SIGNATURE_INVALID: {
    nl: `De digitale handtekening klopt niet. Het bewijs is veranderd of nagemaakt. ${FORGERY_NL}`,
    en: `The digital signature is not valid. The credential was changed or imitated. ${FORGERY_EN}`,
  },
  SIGNATURE_ALG_UNSUPPORTED: {
    nl: `Het bewijs gebruikt een soort handtekening die het register nooit gebruikt. ${FORGERY_NL}`,
    en: `The credential uses a kind of signature the register never uses. ${FORGERY_EN}`,
  },
  ISSUER_VALID: {
    nl: 'Het bewijs is ondertekend met een sleutel van het diplomaregister.',
    en: 'The credential is signed with a key of the diploma register.',
  },
  ISSUER_KEY_RETIRED: {
    nl: 'Het bewijs is ondertekend met een oudere sleutel van het diplomaregister. Dat is in orde: die sleutel blijft geldig voor wat ermee is ondertekend.',
    en: 'The credential is signed with an older key of the diploma register. That is fine: the key stays valid for what it signed.',
  },
  KEY_UNKNOWN: {
    nl: `Het bewijs is ondertekend met een sleutel die niet van het diplomaregister is. ${FORGERY_NL}`,
    en: `The credential is signed with a key that does not belong to the diploma register. ${FORGERY_EN}`,
  },
  KEY_COMPROMISED: {
    nl: `De sleutel waarmee dit bewijs is ondertekend, is in verkeerde handen gekomen. Het register vertrouwt niets meer wat ermee is ondertekend. ${NEW_EXTRACT_NL}`,
    en: `The key that signed this credential fell into the wrong hands. The register no longer trusts anything it signed. ${NEW_EXTRACT_EN}`,
  },
  ISSUER_MISMATCH: {
    nl: `Het bewijs zegt dat iemand anders dan het diplomaregister het heeft uitgegeven. ${FORGERY_NL}`,
    en: `The credential says someone other than the diploma register issued it. ${FORGERY_EN}`,
  },
  KEYS_UNAVAILABLE: {
    nl: `We konden de sleutels van het register nu niet ophalen, dus we weten niet of het bewijs echt is. ${TRY_LATER_NL}`,
    en: `We could not get the register's keys just now, so we do not know whether the credential is authentic. ${TRY_LATER_EN}`,
  },
  STATUS_VALID: {
    nl: 'Het bewijs is niet ingetrokken en niet geschorst.',
    en: 'The credential is not revoked and not suspended.',
  },
  STATUS_REVOKED: {
    nl: `Het bewijs is ingetrokken en geldt niet meer. ${NEW_EXTRACT_NL}`,
    en: `The credential has been revoked and is no longer valid. ${NEW_EXTRACT_EN}`,
  },
  STATUS_SUSPENDED: {
    nl: 'Het bewijs is tijdelijk geschorst, bijvoorbeeld omdat het register iets onderzoekt. Accepteer het nu niet. Vraag de houder later om een nieuw uittreksel.',
    en: 'The credential is temporarily suspended, for example while the register looks into something. Do not accept it now. Ask the holder for a new extract later.',
  },
  STATUS_UNKNOWN: {
    nl: `We konden niet nagaan of het bewijs is ingetrokken. ${TRY_LATER_NL}`,
    en: `We could not check whether the credential has been revoked. ${TRY_LATER_EN}`,
  },
  VALIDITY_VALID: {
    nl: 'Het bewijs is op dit moment geldig.',
    en: 'The credential is valid at this moment.',
  },
  NOT_YET_VALID: {
    nl: `Het bewijs is pas later geldig. Het register maakt zulke bewijzen niet. Controleer de klok van uw apparaat; klopt die, dan: ${FORGERY_NL.charAt(0).toLowerCase()}${FORGERY_NL.slice(1)}`,
    en: `The credential only becomes valid later. The register does not make such credentials. Check your device's clock; if it is right, then ${FORGERY_EN.charAt(0).toLowerCase()}${FORGERY_EN.slice(1)}`,
  },
  VALIDITY_TIME_INVALID: {
    nl: `De geldigheidsdatums in het bewijs zijn geen datums die kunnen bestaan. Het register maakt zulke bewijzen niet. ${FORGERY_NL}`,
    en: `The validity dates in the credential are not dates that can exist. The register does not make such credentials. ${FORGERY_EN}`,
  },
  EXPIRED: {
    nl: `Het bewijs is verlopen. ${NEW_EXTRACT_NL}`,
    en: `The credential has expired. ${NEW_EXTRACT_EN}`,
  },
  REGISTER_ACTIVE: {
    nl: 'Het diploma staat ongewijzigd in het register.',
    en: 'The diploma is in the register, unchanged.',
  },
  REGISTER_SUPERSEDED: {
    nl: `Het diploma is na dit uittreksel gecorrigeerd. Dit uittreksel is vervangen en geldt niet meer. ${NEW_EXTRACT_NL}`,
    en: `The diploma was corrected after this extract was made. This extract has been superseded and is no longer valid. ${NEW_EXTRACT_EN}`,
  },
  REGISTER_WITHDRAWN: {
    nl: `De houder heeft dit uittreksel ingetrokken. Het geldt niet meer. ${NEW_EXTRACT_NL}`,
    en: `The holder withdrew this extract. It is no longer valid. ${NEW_EXTRACT_EN}`,
  },
  REGISTER_REVOKED: {
    nl: 'Het register heeft dit uittreksel ingetrokken, bijvoorbeeld omdat het diploma is vernietigd. Het geldt niet meer. Neem bij twijfel contact op met de onderwijsinstelling.',
    en: 'The register revoked this extract, for example because the diploma was annulled. It is no longer valid. If in doubt, contact the educational institution.',
  },
  REGISTER_UNKNOWN: {
    nl: `Het register kent dit bewijs niet. ${FORGERY_NL}`,
    en: `The register does not know this credential. ${FORGERY_EN}`,
  },
  REGISTER_UNAVAILABLE: {
    nl: `We konden het register nu niet raadplegen. ${TRY_LATER_NL}`,
    en: `We could not consult the register just now. ${TRY_LATER_EN}`,
  },
  BINDING_VALID: {
    nl: 'Het document en het digitale bewijs erin horen bij elkaar.',
    en: 'The document and the digital credential inside it belong together.',
  },
  BINDING_MISMATCH: {
    nl: `Het document en het digitale bewijs erin horen niet bij elkaar. ${FORGERY_NL}`,
    en: `The document and the digital credential inside it do not belong together. ${FORGERY_EN}`,
  },
  SKIPPED_FORMAT_INVALID: {
    nl: 'Niet gecontroleerd, omdat het bewijs niet de juiste vorm heeft.',
    en: 'Not checked, because the credential does not have the correct form.',
  },
  SKIPPED_KEY_UNKNOWN: {
    nl: 'Niet gecontroleerd, omdat de sleutel niet van het diplomaregister is.',
    en: 'Not checked, because the key does not belong to the diploma register.',
  },
  SKIPPED_KEYS_UNAVAILABLE: {
    nl: 'Niet gecontroleerd, omdat we de sleutels van het register niet konden ophalen.',
    en: "Not checked, because we could not get the register's keys.",
  },
  SKIPPED_SIGNATURE_INVALID: {
    nl: 'Niet gecontroleerd, omdat de digitale handtekening niet klopt.',
    en: 'Not checked, because the digital signature is not valid.',
  },
  SKIPPED_ISSUER_NOT_TRUSTED: {
    nl: 'Niet gecontroleerd, omdat het bewijs niet van een vertrouwde uitgever komt.',
    en: 'Not checked, because the credential does not come from a trusted issuer.',
  },
  SKIPPED_NOT_IN_FORCE: {
    nl: 'Niet van belang: dit uittreksel geldt niet meer of nu niet (ingetrokken, vervangen of geschorst), wat de geldigheidsdatums ook zeggen.',
    en: 'Not relevant: this extract is no longer in force, or not now (revoked, superseded or suspended), whatever its validity dates say.',
  },
  PDF_INVALID: {
    nl: `Dit bestand is geen PDF die wij kunnen lezen, of het is beschadigd of onvolledig. Upload het originele PDF-bestand van het uittreksel. Lukt het niet? ${NEW_EXTRACT_NL}`,
    en: `This file is not a PDF we can read, or it is damaged or incomplete. Upload the original PDF file of the extract. Still failing? ${NEW_EXTRACT_EN}`,
  },
  PDF_TOO_LARGE: {
    nl: `Dit bestand is groter dan 5 MB. Een uittreksel uit het register is veel kleiner. Upload het originele PDF-bestand van het uittreksel. Lukt het niet? ${NEW_EXTRACT_NL}`,
    en: `This file is larger than 5 MB. An extract from the register is much smaller. Upload the original PDF file of the extract. Still failing? ${NEW_EXTRACT_EN}`,
  },
  PDF_NO_CREDENTIAL: {
    nl: 'In dit PDF-bestand zit geen digitaal diplomabewijs. Een uittreksel uit het register heeft dat altijd. Een afdruk, een scan of een ander bestand kunnen we niet controleren. Vraag de houder om het originele PDF-bestand of om een nieuw uittreksel.',
    en: 'This PDF file contains no digital diploma credential. An extract from the register always has one. We cannot check a print, a scan or another file. Ask the holder for the original PDF file or for a new extract.',
  },
  PDF_CREDENTIAL_INVALID: {
    nl: `Het digitale bewijs in dit PDF-bestand is beschadigd of niet door het register gemaakt. ${FORGERY_NL}`,
    en: `The digital credential inside this PDF file is damaged or was not made by the register. ${FORGERY_EN}`,
  },
  SEAL_VALID: {
    nl: 'Het digitale zegel van het register klopt: niemand heeft het document veranderd.',
    en: "The register's digital seal is valid: nobody has changed the document.",
  },
  SEAL_MISSING: {
    nl: `Het document heeft geen digitaal zegel. Een uittreksel uit het register heeft dat altijd. ${FORGERY_NL}`,
    en: `The document has no digital seal. An extract from the register always has one. ${FORGERY_EN}`,
  },
  SEAL_INVALID: {
    nl: `Het digitale zegel van het document klopt niet. ${FORGERY_NL}`,
    en: `The document's digital seal is not valid. ${FORGERY_EN}`,
  },
  SEAL_NOT_OURS: {
    nl: `Het document is verzegeld door iemand anders dan het diplomaregister. ${FORGERY_NL}`,
    en: `The document was sealed by someone other than the diploma register. ${FORGERY_EN}`,
  },
  SEAL_DOCUMENT_MODIFIED: {
    nl: `Het document is veranderd nadat het register het verzegelde. ${FORGERY_NL}`,
    en: `The document was changed after the register sealed it. ${FORGERY_EN}`,
  },
  BINDING_UNAVAILABLE: {
    nl: `We konden nu niet nagaan of dit document bij het digitale bewijs erin hoort. ${TRY_LATER_NL}`,
    en: `We could not check just now whether this document belongs with the digital credential inside it. ${TRY_LATER_EN}`,
  },
  SKIPPED_PDF_INVALID: {
    nl: 'Niet gecontroleerd, omdat het bestand geen leesbare PDF is.',
    en: 'Not checked, because the file is not a readable PDF.',
  },
  SKIPPED_PDF_NO_CREDENTIAL: {
    nl: 'Niet gecontroleerd, omdat er geen leesbaar digitaal bewijs in het document zit.',
    en: 'Not checked, because the document contains no readable digital credential.',
  },
};
