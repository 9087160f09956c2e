// Formats of the codes the register uses. Pure functions.
export type Sector = 'vo' | 'mbo' | 'hbo' | 'wo';
export const sectors: readonly Sector[] = ['vo', 'mbo', 'hbo', 'wo'];

/** BRIN / instellingscode: two digits and two capital letters ("21PK"). */
export const BRIN = /^[0-9]{2}[A-Z]{2}$/;
/** location (vestiging) number: two digits. */
export const LOCATION = /^[0-9]{2}$/;
/** CROHO (ho) and crebo (mbo) codes: five digits. */
export const FIVE_DIGIT_CODE = /^[0-9]{5}$/;
/** our vo programme codes, e.g. "HAVO", "VMBO-TL" */
export const VO_PROGRAMME_CODE = /^[A-Z][A-Z0-9-]{1,15}$/;

export type ProgrammeCodeType = 'croho' | 'crebo' | 'vo';

export function codeTypeForSector(sector: Sector): ProgrammeCodeType {
  return sector === 'vo' ? 'vo' : sector === 'mbo' ? 'crebo' : 'croho';
}

/** BSN: nine digits passing the eleven test (9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 mod 11). */
export function isValidBsn(bsn: string): boolean {
  if (!/^[0-9]{9}$/.test(bsn) || bsn === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(bsn[i]);
  sum -= Number(bsn[8]);
  return sum % 11 === 0;
}

/** Diploma kinds each sector awards. */
export const kindsBySector: Record<Sector, readonly ('diploma' | 'getuigschrift' | 'certificaat')[]> = {
  vo: ['diploma', 'certificaat'],
  mbo: ['diploma', 'certificaat'],
  hbo: ['diploma', 'getuigschrift', 'certificaat'],
  wo: ['diploma', 'getuigschrift', 'certificaat'],
};

/** The register holds vo diplomas since 2006, mbo since 2007, ho since 1996. */
export const registerStartBySector: Record<Sector, string> = {
  vo: '2006-01-01',
  mbo: '2007-01-01',
  hbo: '1996-01-01',
  wo: '1996-01-01',
};
