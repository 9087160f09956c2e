// NLQF and EQF levels (Nederlands Kwalificatieraamwerk ↔ European Qualifications Framework).
export type Nlqf = '1' | '2' | '3' | '4' | '4+' | '5' | '6' | '7' | '8';

export const nlqfToEqf: Record<Nlqf, number> = {
  '1': 1, '2': 2, '3': 3, '4': 4, '4+': 4, '5': 5, '6': 6, '7': 7, '8': 8,
};

export const levelExamples: Record<Nlqf, { nl: string; en: string }> = {
  '1': { nl: 'Entree, vmbo basisberoepsgerichte leerweg', en: 'Entry level, pre-vocational basic track' },
  '2': { nl: 'mbo niveau 2, vmbo kader/gemengd/theoretisch', en: 'VET level 2, pre-vocational secondary' },
  '3': { nl: 'mbo niveau 3', en: 'VET level 3' },
  '4': { nl: 'mbo niveau 4, havo', en: 'VET level 4, senior general secondary' },
  '4+': { nl: 'vwo', en: 'pre-university education' },
  '5': { nl: 'Associate degree', en: 'Associate degree' },
  '6': { nl: 'bachelor', en: "bachelor's degree" },
  '7': { nl: 'master', en: "master's degree" },
  '8': { nl: 'doctor', en: 'doctorate' },
};

export function isConsistentLevel(nlqf: string, eqf: number): boolean {
  return (nlqfToEqf as Record<string, number>)[nlqf] === eqf;
}
