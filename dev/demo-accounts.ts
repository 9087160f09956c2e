// The development login's accounts: demo holders, read from the register itself, each with what it
// holds. The login page first offers one holder for each case worth trying (a vwo diploma with its
// grade list, an annulled diploma, a corrected one, mbo, a wo master, several diplomas, a name with
// diacritics), then others by family name. Node only (the development OpenID provider).
import { asc, eq, sql } from 'drizzle-orm';
import { diplomas, holders, programmes } from '../db/schema.ts';
import type { Database } from '../src/database.ts';
import type { DevOpenIdAccount } from './oidc-provider.ts';

interface Held {
  id: string;
  sector: 'vo' | 'mbo' | 'hbo' | 'wo';
  code: string;
  nlqf: string;
  nameNl: string;
  nameEn: string;
  hasGrades: boolean;
  state: 'valid' | 'corrected' | 'annulled';
  supersededBy: string | null;
}

interface Person {
  sub: string;
  givenName: string;
  familyName: string;
  birthdate: string;
  held: Held[];
}

type Text = { nl: string; en: string };

/** The cases, in the order the login page offers them. */
const cases: Array<{ why: Text; applies(person: Person): boolean }> = [
  { why: { nl: 'vwo met cijferlijst', en: 'vwo with grade list' }, applies: (p) => current(p).some((d) => d.code === 'VWO' && d.hasGrades) },
  { why: { nl: 'nietig verklaard diploma', en: 'annulled diploma' }, applies: (p) => p.held.some((d) => d.state === 'annulled') },
  { why: { nl: 'gecorrigeerd diploma (oude versie vervangen)', en: 'corrected diploma (earlier version superseded)' }, applies: (p) => p.held.some((d) => d.state === 'corrected') },
  { why: { nl: 'mbo', en: 'mbo' }, applies: (p) => current(p).some((d) => d.sector === 'mbo') },
  { why: { nl: 'wo-master', en: 'wo master' }, applies: (p) => current(p).some((d) => d.sector === 'wo' && d.nlqf === '7') },
  { why: { nl: 'meerdere diploma’s', en: 'several diplomas' }, applies: (p) => current(p).length >= 3 },
  { why: { nl: 'naam met diakrieten', en: 'name with diacritics' }, applies: (p) => /[^\u0000-\u007f]/.test(p.givenName + p.familyName) },
];

export async function demoAccounts(db: Database, limit = 40): Promise<DevOpenIdAccount[]> {
  const rows = await db
    .select({
      sub: holders.subjectId,
      givenName: holders.givenNames,
      prefix: holders.prefix,
      familyName: holders.familyName,
      birthdate: holders.birthDate,
      id: diplomas.id,
      sector: programmes.sector,
      code: programmes.code,
      nlqf: diplomas.nlqf,
      nameNl: programmes.nameNl,
      nameEn: programmes.nameEn,
      // whether, not what: the grade lists themselves are most of the bytes
      hasGrades: sql<boolean>`${diplomas.grades} is not null and jsonb_array_length(${diplomas.grades}) > 0`,
      state: diplomas.state,
      supersededBy: diplomas.supersededBy,
    })
    .from(holders)
    .innerJoin(diplomas, eq(diplomas.holderId, holders.id))
    .innerJoin(programmes, eq(programmes.id, diplomas.programmeId))
    .orderBy(asc(holders.familyName), asc(holders.givenNames), asc(holders.subjectId), asc(diplomas.awardDate));

  const people = new Map<string, Person>();
  for (const row of rows) {
    let person = people.get(row.sub);
    if (!person) {
      person = { sub: row.sub, givenName: row.givenName, familyName: [row.prefix, row.familyName].filter(Boolean).join(' '), birthdate: row.birthdate, held: [] };
      people.set(row.sub, person);
    }
    person.held.push(row);
  }

  const chosen: Array<{ person: Person; why?: Text }> = [];
  const taken = new Set<string>();
  for (const c of cases) {
    const person = [...people.values()].find((p) => !taken.has(p.sub) && c.applies(p));
    if (!person) continue;
    chosen.push({ person, why: c.why });
    taken.add(person.sub);
  }
  for (const person of people.values()) {
    if (chosen.length >= limit) break;
    if (!taken.has(person.sub)) chosen.push({ person });
  }

  return chosen.slice(0, limit).map(({ person, why }) => ({
    sub: person.sub,
    givenName: person.givenName,
    familyName: person.familyName,
    birthdate: person.birthdate,
    holds: {
      nl: (why ? `${why.nl}: ` : '') + describe(person, 'nl'),
      en: (why ? `${why.en}: ` : '') + describe(person, 'en'),
    },
  }));
}

/** What is in the register now: corrected versions give way to their correction. */
function current(person: Person): Held[] {
  return person.held.filter((d) => d.state !== 'corrected');
}

function describe(person: Person, lang: 'nl' | 'en'): string {
  const correctedInto = new Set(person.held.map((d) => d.supersededBy).filter(Boolean));
  return current(person)
    .map((d) => {
      const notes = [
        d.hasGrades ? (lang === 'nl' ? 'met cijferlijst' : 'with grade list') : '',
        correctedInto.has(d.id) ? (lang === 'nl' ? 'gecorrigeerd' : 'corrected') : '',
        d.state === 'annulled' ? (lang === 'nl' ? 'nietig verklaard' : 'annulled') : '',
      ].filter(Boolean);
      // a vo programme's name says its level; mbo names its level (1–4); hbo and wo their sector
      const level = d.sector === 'vo' ? '' : d.sector === 'mbo' ? `mbo ${d.nlqf} ` : `${d.sector} `;
      return `${level}${lang === 'nl' ? d.nameNl : d.nameEn}${notes.length ? ` (${notes.join(', ')})` : ''}`;
    })
    .join('; ');
}
