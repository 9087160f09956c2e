// Deterministic synthetic people and their education paths, as the feed records institutions
// would send. The demo seed applies them through the real feed; db:synth loads them in bulk.
import type { AwardRecord, CorrectionRecord, AnnulmentRecord } from '../../src/feed/schemas.ts';
import { registerStartBySector } from '../../src/domain/codes.ts';
import { demoInstitutions } from './institutions.ts';
import { demoProgrammes } from './programmes.ts';
import { voSubjects } from './subjects.ts';
import { givenNames, surnames } from './names.ts';
import type { DemoInstitution, DemoProgramme, Sector } from './types.ts';

/** mulberry32: small, fast, deterministic. */
export function createRng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof createRng>;

/** A synthetic BSN: "9" + 7-digit serial + check digit (eleven test). Serials whose check is 10 are skipped. */
export function syntheticBsn(serial: number): string | undefined {
  const body = `9${String(serial).padStart(7, '0')}`;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(body[i]);
  const check = sum % 11;
  return check === 10 ? undefined : body + check;
}

export interface SyntheticPerson {
  bsn: string;
  holder: AwardRecord['holder'];
  records: Array<AwardRecord | CorrectionRecord | AnnulmentRecord>;
}

const bySector = (s: Sector) => demoInstitutions.filter((i) => i.sector === s);
const institutionsBySector = { vo: bySector('vo'), mbo: bySector('mbo'), hbo: bySector('hbo'), wo: bySector('wo') };
const programmesWhere = (pred: (p: DemoProgramme) => boolean) => demoProgrammes.filter(pred);
const mboByLevel = (nlqf: string) => programmesWhere((p) => p.sector === 'mbo' && p.nlqf === nlqf);
const pools = {
  vmbo: programmesWhere((p) => p.codeType === 'vo' && p.code.startsWith('VMBO')),
  havo: programmesWhere((p) => p.code === 'HAVO'),
  vwo: programmesWhere((p) => p.code === 'VWO'),
  mbo2: mboByLevel('2'),
  mbo3: mboByLevel('3'),
  mbo4: mboByLevel('4'),
  entree: mboByLevel('1'),
  ad: programmesWhere((p) => p.sector === 'hbo' && p.nlqf === '5'),
  hboBachelor: programmesWhere((p) => p.sector === 'hbo' && p.nlqf === '6'),
  hboMaster: programmesWhere((p) => p.sector === 'hbo' && p.nlqf === '7'),
  woBachelor: programmesWhere((p) => p.sector === 'wo' && p.nlqf === '6'),
  woMaster: programmesWhere((p) => p.sector === 'wo' && p.nlqf === '7'),
};

type Step = { pool: DemoProgramme[]; age: number };

/** Typical Dutch education paths, with the age at which each diploma is awarded. */
const paths: Array<{ weight: number; steps: Step[] }> = [
  { weight: 16, steps: [{ pool: pools.vmbo, age: 16 }, { pool: pools.mbo4, age: 20 }] },
  { weight: 8, steps: [{ pool: pools.vmbo, age: 16 }, { pool: pools.mbo2, age: 18 }, { pool: pools.mbo3, age: 20 }] },
  { weight: 6, steps: [{ pool: pools.vmbo, age: 16 }, { pool: pools.mbo4, age: 20 }, { pool: pools.hboBachelor, age: 24 }] },
  { weight: 3, steps: [{ pool: pools.entree, age: 17 }, { pool: pools.mbo2, age: 19 }] },
  { weight: 14, steps: [{ pool: pools.havo, age: 17 }, { pool: pools.hboBachelor, age: 21 }] },
  { weight: 3, steps: [{ pool: pools.havo, age: 17 }, { pool: pools.ad, age: 19 }] },
  { weight: 3, steps: [{ pool: pools.havo, age: 17 }, { pool: pools.hboBachelor, age: 21 }, { pool: pools.hboMaster, age: 23 }] },
  { weight: 12, steps: [{ pool: pools.vwo, age: 18 }, { pool: pools.woBachelor, age: 21 }, { pool: pools.woMaster, age: 23 }] },
  { weight: 4, steps: [{ pool: pools.vwo, age: 18 }, { pool: pools.woBachelor, age: 21 }] },
  { weight: 5, steps: [{ pool: pools.mbo3, age: 25 }] },
  { weight: 5, steps: [{ pool: pools.hboBachelor, age: 22 }] },
  { weight: 4, steps: [{ pool: pools.woMaster, age: 24 }] },
  { weight: 3, steps: [{ pool: pools.vmbo, age: 16 }] },
];
const totalWeight = paths.reduce((n, p) => n + p.weight, 0);

function pickPath(rng: Rng) {
  let r = rng.next() * totalWeight;
  for (const p of paths) if ((r -= p.weight) < 0) return p;
  return paths[0]!;
}

function isoDay(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function institutionFor(rng: Rng, programme: DemoProgramme): DemoInstitution {
  const candidates = institutionsBySector[programme.sector];
  // a gymnasium awards vwo only
  const fitting = programme.code === 'VWO' ? candidates : candidates.filter((i) => !/gymnasium/i.test(i.name));
  return rng.pick(fitting.length ? fitting : candidates);
}

function gradeList(rng: Rng, programme: DemoProgramme): AwardRecord['grades'] {
  return (voSubjects[programme.code] ?? []).map((s) => {
    const schoolExam = Math.round((5.2 + rng.next() * 3.6) * 10) / 10;
    const centralExam = s.centralExam ? Math.min(10, Math.max(1, Math.round((schoolExam - 0.8 + rng.next() * 1.6) * 10) / 10)) : undefined;
    const final = Math.min(10, Math.max(1, Math.round(centralExam === undefined ? schoolExam : (schoolExam + centralExam) / 2)));
    return { subjectCode: s.code, subjectNl: s.nameNl, subjectEn: s.nameEn, schoolExam, ...(centralExam !== undefined ? { centralExam } : {}), final };
  });
}

function kindFor(rng: Rng, programme: DemoProgramme): AwardRecord['kind'] {
  if (programme.sector === 'hbo' || programme.sector === 'wo') return 'getuigschrift';
  return programme.sector === 'mbo' && rng.chance(0.04) ? 'certificaat' : 'diploma';
}

/**
 * Person number `serial` (0, 1, 2 …) from the given seed, with the diplomas of their path that fall
 * inside the register (after the sector's start, before `today`). Some get a correction or an
 * annulment, as happens in the real register.
 */
export function syntheticPerson(seed: number, serial: number, today: string, referencePrefix = 'DEMO'): SyntheticPerson | undefined {
  const bsn = syntheticBsn(serial);
  if (!bsn) return undefined;
  const rng = createRng(seed * 1_000_003 + serial);
  const surname = rng.pick(surnames);
  const second = rng.chance(0.25) ? ` ${rng.pick(givenNames)}` : '';
  const birthYear = rng.int(1974, 2009);
  const holder: AwardRecord['holder'] = {
    bsn,
    givenNames: rng.pick(givenNames) + second,
    ...(surname.prefix ? { prefix: surname.prefix } : {}),
    familyName: surname.name,
    birthDate: isoDay(birthYear, rng.int(1, 12), rng.int(1, 28)),
  };
  const records: SyntheticPerson['records'] = [];
  for (const [i, step] of pickPath(rng).steps.entries()) {
    if (!step.pool.length) continue;
    const programme = rng.pick(step.pool);
    const awardDate = isoDay(birthYear + step.age + rng.int(0, 1), rng.pick([6, 7, 7, 8, 1]), rng.int(1, 28));
    if (awardDate > today || awardDate < registerStartBySector[programme.sector]) continue;
    const institution = institutionFor(rng, programme);
    const kind = kindFor(rng, programme);
    const award: AwardRecord = {
      type: 'award',
      reference: `${referencePrefix}-${serial}-${i + 1}`,
      institution: { brin: institution.brin, location: institution.location },
      programme: { code: programme.code, ...(programme.profiles?.length ? { profile: rng.pick(programme.profiles).code } : {}) },
      kind,
      awardDate,
      holder,
      ...(programme.sector === 'vo' && kind === 'diploma' ? { grades: gradeList(rng, programme) } : {}),
    };
    records.push(award);
    if (rng.chance(0.02)) {
      // the institution corrects a grade or the award date
      const { type: _t, reference: _r, ...fields } = award;
      records.push({ ...fields, type: 'correction', reference: `${award.reference}-C1`, corrects: award.reference, ...(award.grades ? { grades: gradeList(rng, programme) } : {}) });
    } else if (rng.chance(0.005)) {
      records.push({ type: 'annulment', reference: `${award.reference}-A1`, annuls: award.reference, reason: 'Examenfraude vastgesteld door de examencommissie.' });
    }
  }
  return records.length ? { bsn, holder, records } : undefined;
}
