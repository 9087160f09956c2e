import { describe, expect, it } from 'vitest';
import { formatExtractNumber, generateExtractNumber, parseExtractNumber } from '../../src/extracts/extract-number.ts';

describe('extract numbers', () => {
  it('have ~65 random bits, a check symbol, and a grouped form of letters and digits only', () => {
    for (let i = 0; i < 500; i++) expect(generateExtractNumber()).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$/);
    const n = generateExtractNumber();
    expect(parseExtractNumber(n)).toBe(n.replace(/-/g, ''));
    expect(formatExtractNumber(parseExtractNumber(n)!)).toBe(n);
    expect(new Set(Array.from({ length: 2000 }, () => generateExtractNumber())).size).toBe(2000);
  });

  it('forgives case, spaces, dashes and look-alike letters', () => {
    const n = generateExtractNumber().replace(/-/g, '');
    const sloppy = n.toLowerCase().replace(/1/g, 'l').replace(/0/g, 'o');
    expect(parseExtractNumber(` ${sloppy.slice(0, 5)} ${sloppy.slice(5)} `)).toBe(n);
  });

  it('catches every single-symbol typo and every adjacent transposition', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    for (let round = 0; round < 20; round++) {
      const n = generateExtractNumber().replace(/-/g, '');
      for (let i = 0; i < 13; i++) {
        for (const c of alphabet) if (c !== n[i]) expect(parseExtractNumber(n.slice(0, i) + c + n.slice(i + 1))).toBeUndefined();
        if (i < 12 && n[i] !== n[i + 1]) expect(parseExtractNumber(n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2))).toBeUndefined();
      }
    }
  });

  it('rejects wrong lengths and foreign characters', () => {
    expect(parseExtractNumber('')).toBeUndefined();
    expect(parseExtractNumber('ABCD')).toBeUndefined();
    expect(parseExtractNumber('ÄBCD-EFGH-JKMN-PQ')).toBeUndefined();
  });
});
