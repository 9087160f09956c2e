// Suspicious uploads wait in memory for a report, within a cap per client and in total, and only
// for the hour a result is held: a flood of uploads holds a bounded amount and stores nothing.
import { describe, expect, it } from 'vitest';
import { createHeldFiles, HELD_FILES_PER_CLIENT_BYTES, HELD_FILES_TOTAL_BYTES, HOLD_MINUTES } from '../../src/verifier/reports.ts';
import { TEST_NOW } from '../support/constants.ts';

const now = new Date(TEST_NOW);
const later = (ms: number) => new Date(now.getTime() + ms);
const file = (size: number, fill = 1) => new Uint8Array(size).fill(fill);

describe('files held for a forgery report', () => {
  it('the caps are the documented ones: 64 MiB in total, 16 MiB per client', () => {
    expect([HELD_FILES_TOTAL_BYTES, HELD_FILES_PER_CLIENT_BYTES]).toEqual([64 * 1024 * 1024, 16 * 1024 * 1024]);
  });

  it('holds a file per client up to its cap; another client still gets its file held', () => {
    const held = createHeldFiles({ totalBytes: 1000, perClientBytes: 300 });
    expect(held.hold('a1', file(200), 'flooder', now)).toBe(true);
    expect(held.hold('a2', file(200), 'flooder', now)).toBe(false);
    expect(held.hold('a3', file(100), 'flooder', now)).toBe(true);
    expect(held.hold('b1', file(300), 'employer', now)).toBe(true);
    expect(held.heldBytes).toBe(600);
    expect(held.peek('a2', now)).toBeUndefined();
    expect(held.peek('b1', now)).toEqual(file(300));
  });

  it('never holds more than the total, however many clients', () => {
    const held = createHeldFiles({ totalBytes: 1000, perClientBytes: 300 });
    const accepted = Array.from({ length: 20 }, (_, i) => held.hold(`t${i}`, file(150), `client-${i}`, now)).filter(Boolean).length;
    expect(accepted).toBe(6);
    expect(held.heldBytes).toBe(900);
  });

  it('a report releases its file; an hour later every file is gone and its room free again', () => {
    const held = createHeldFiles({ totalBytes: 1000, perClientBytes: 300 });
    held.hold('a', file(300), 'c', now);
    held.hold('b', file(300), 'd', later(1000));
    held.release('a');
    expect(held.heldBytes).toBe(300);
    expect(held.hold('a2', file(300), 'c', now)).toBe(true);
    expect(held.peek('b', later(HOLD_MINUTES * 60_000 + 999))).toEqual(file(300));
    expect(held.peek('b', later(HOLD_MINUTES * 60_000 + 1000))).toBeUndefined();
    // holding anything sweeps what expired
    expect(held.hold('e', file(10), 'e', later(HOLD_MINUTES * 60_000 + 1000))).toBe(true);
    expect(held.heldBytes).toBe(10);
  });
});
