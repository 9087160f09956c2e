// Demo reference data: subjects on a vo cijferlijst, per vo programme code.
// Only numerically graded subjects (lichamelijke opvoeding, ckv/kunstvakken 1 and the like
// are pass/fail and therefore left out). Each programme has at most two subjects without a
// central exam (school exam only).
import type { DemoSubject } from './types.ts';

const NE: DemoSubject = { code: 'NE', nameNl: 'Nederlandse taal', nameEn: 'Dutch language', centralExam: true };
const EN: DemoSubject = { code: 'EN', nameNl: 'Engelse taal', nameEn: 'English language', centralExam: true };
const DU: DemoSubject = { code: 'DU', nameNl: 'Duitse taal', nameEn: 'German language', centralExam: true };
const FA: DemoSubject = { code: 'FA', nameNl: 'Franse taal', nameEn: 'French language', centralExam: true };
const WI: DemoSubject = { code: 'WI', nameNl: 'wiskunde', nameEn: 'mathematics', centralExam: true };
const WISA: DemoSubject = { code: 'WISA', nameNl: 'wiskunde A', nameEn: 'mathematics A', centralExam: true };
const WISB: DemoSubject = { code: 'WISB', nameNl: 'wiskunde B', nameEn: 'mathematics B', centralExam: true };
const GS: DemoSubject = { code: 'GS', nameNl: 'geschiedenis', nameEn: 'history', centralExam: true };
const AK: DemoSubject = { code: 'AK', nameNl: 'aardrijkskunde', nameEn: 'geography', centralExam: true };
const EC: DemoSubject = { code: 'EC', nameNl: 'economie', nameEn: 'economics', centralExam: true };
const BI: DemoSubject = { code: 'BI', nameNl: 'biologie', nameEn: 'biology', centralExam: true };
const NA: DemoSubject = { code: 'NA', nameNl: 'natuurkunde', nameEn: 'physics', centralExam: true };
const SK: DemoSubject = { code: 'SK', nameNl: 'scheikunde', nameEn: 'chemistry', centralExam: true };
const NASK1: DemoSubject = { code: 'NASK1', nameNl: 'natuur- en scheikunde 1', nameEn: 'physics and chemistry 1', centralExam: true };
const PROF: DemoSubject = {
  code: 'PROF',
  nameNl: 'beroepsgericht profielvak',
  nameEn: 'vocational profile subject',
  centralExam: true, // centraal schriftelijk en praktisch examen (cspe)
};
const BKV: DemoSubject = {
  code: 'BKV',
  nameNl: 'beroepsgerichte keuzevakken',
  nameEn: 'vocational elective modules',
  centralExam: false,
};
const MAAT: DemoSubject = { code: 'MAAT', nameNl: 'maatschappijleer', nameEn: 'social studies', centralExam: false };
const PWS: DemoSubject = { code: 'PWS', nameNl: 'profielwerkstuk', nameEn: 'research project', centralExam: false };

export const voSubjects: Record<string, DemoSubject[]> = {
  'VMBO-BB': [NE, EN, WI, BI, PROF, BKV, MAAT],
  'VMBO-KB': [NE, EN, WI, NASK1, PROF, BKV, MAAT],
  'VMBO-GL': [NE, EN, WI, EC, BI, PROF, MAAT],
  'VMBO-TL': [NE, EN, DU, WI, EC, GS, BI, MAAT],
  HAVO: [NE, EN, DU, WISA, EC, GS, AK, MAAT],
  VWO: [NE, EN, FA, WISB, NA, SK, BI, MAAT, PWS],
};
