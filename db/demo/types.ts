// Shapes of the demo reference data (institutions, programmes, names).
// The data files in this folder are plain, deterministic constants.

export type Sector = 'vo' | 'mbo' | 'hbo' | 'wo';
export type Nlqf = '1' | '2' | '3' | '4' | '4+' | '5' | '6' | '7' | '8';

export interface DemoInstitution {
  /** BRIN / instellingscode: 2 digits + 2 uppercase letters, e.g. "21PK". */
  brin: string;
  /** 2-digit location (vestigingsnummer), e.g. "00". */
  location: string;
  name: string;
  /** English name where one is in common use (universities), else undefined. */
  nameEn?: string;
  place: string;
  sector: Sector;
}

export interface DemoProfile {
  code: string;
  nameNl: string;
  nameEn: string;
}

export interface DemoProgramme {
  /** 'croho' (5 digits, hbo/wo), 'crebo' (5 digits, mbo), 'vo' (uppercase token such as "HAVO"). */
  codeType: 'croho' | 'crebo' | 'vo';
  code: string;
  sector: Sector;
  nameNl: string;
  nameEn: string;
  nlqf: Nlqf;
  eqf: number;
  /** vo only: the profiles a diploma of this programme can carry. */
  profiles?: DemoProfile[];
}

export interface DemoSubject {
  code: string;
  nameNl: string;
  nameEn: string;
  /** true when the subject has a central exam (centraal examen). */
  centralExam: boolean;
}
