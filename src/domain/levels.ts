// NLQF and EQF levels (Nederlands Kwalificatieraamwerk ↔ European Qualifications Framework).
export type Nlqf = '1' | '2' | '3' | '4' | '4+' | '5' | '6' | '7' | '8';

export const nlqfToEqf: Record<Nlqf, number> = {
  '1': 1, '2': 2, '3': 3, '4': 4, '4+': 4, '5': 5, '6': 6, '7': 7, '8': 8,
};

export function isConsistentLevel(nlqf: string, eqf: number): boolean {
  return (nlqfToEqf as Record<string, number>)[nlqf] === eqf;
}
