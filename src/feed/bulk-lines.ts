// Reading a bulk NDJSON body line by line without holding the event loop: every line is bounded in
// length and nesting before JSON.parse sees it, and the work is done in slices that yield, so a
// 10,000-line body of the worst kind (deeply nested lines, invalid records) leaves the process
// answering other requests (tests/feed/bulk-fairness.test.ts measures /health during one).

/** A record with 30 grade lines, every character \u-escaped, stays under this. */
export const BULK_MAX_LINE_CHARS = 64 * 1024;
/** A record nests three deep (record → grades → grade); anything deeper is not a record. */
export const BULK_MAX_JSON_DEPTH = 8;

/** Work between two turns of the event loop: lines, and characters scanned. */
const SLICE_LINES = 10;
const SLICE_CHARS = 256 * 1024;

export interface BulkLine {
  /** 1-based line number in the body */
  line: number;
  /** the line, trimmed; empty when it was too long to keep */
  text: string;
  tooLong?: true;
}

/**
 * The non-empty lines of an NDJSON body, read from its stream, up to `max` + 1 (one more says
 * "too many", and the rest is not read). A line longer than the bound is not kept, only noted.
 */
export async function readBulkLines(body: ReadableStream<Uint8Array> | null, max: number): Promise<BulkLine[]> {
  const lines: BulkLine[] = [];
  if (!body) return lines;
  let partial = '';
  let partialTooLong = false;
  let n = 0;
  const endLine = (rest: string) => {
    n++;
    if (partialTooLong || partial.length + rest.length > BULK_MAX_LINE_CHARS + 64) lines.push({ line: n, text: '', tooLong: true });
    else {
      const text = (partial + rest).trim();
      if (text !== '') lines.push({ line: n, text });
    }
    partial = '';
    partialTooLong = false;
  };
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value: bytes, done } = await reader.read();
      if (done) break;
      const value = decoder.decode(bytes, { stream: true });
      let start = 0;
      for (let nl = value.indexOf('\n'); nl >= 0; nl = value.indexOf('\n', start)) {
        endLine(value.slice(start, nl));
        start = nl + 1;
        if (lines.length > max) return lines;
      }
      if (!partialTooLong) {
        partial += value.slice(start);
        if (partial.length > BULK_MAX_LINE_CHARS + 64) [partial, partialTooLong] = ['', true];
      }
      if (lines.length > max) return lines;
    }
    const tail = decoder.decode();
    if (partial !== '' || partialTooLong || tail !== '') endLine(tail);
    return lines;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Whether `text` nests arrays and objects deeper than `max` (outside strings). A linear scan that
 * stops at the first level too deep, so JSON.parse never builds a structure millions deep.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Why a line is refused before parsing, if it is. */
export function lineRefusal({ text, tooLong }: BulkLine): 'BULK_LINE_TOO_LONG' | 'BULK_LINE_TOO_DEEP' | undefined {
  if (tooLong || text.length > BULK_MAX_LINE_CHARS) return 'BULK_LINE_TOO_LONG';
  if (nestsDeeperThan(text, BULK_MAX_JSON_DEPTH)) return 'BULK_LINE_TOO_DEEP';
  return undefined;
}

/**
 * A JSON answer `{"<head key>": …, "<list key>": [ … ]}` written as a stream, a slice of items
 * at a time with a turn of the event loop between: 10,000 results with their problems are
 * megabytes of JSON, too much to serialise in one go.
 */
export function jsonStreamInSlices(head: Record<string, unknown>, listKey: string, items: readonly unknown[], sliceSize = 100): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${JSON.stringify(head).slice(0, -1)}${Object.keys(head).length ? ',' : ''}${JSON.stringify(listKey)}:[`));
    },
    async pull(controller) {
      if (next > 0) await nextTurn();
      const slice = items.slice(next, next + sliceSize);
      const text = slice.map((item) => JSON.stringify(item)).join(',');
      controller.enqueue(encoder.encode(next > 0 && slice.length ? `,${text}` : text));
      next += slice.length;
      if (next >= items.length) {
        controller.enqueue(encoder.encode(']}'));
        controller.close();
      }
    },
  });
}

/**
 * Lets other requests run: after the I/O that is waiting. setImmediate where there is one (Node;
 * its setTimeout waits at least 1 ms), else setTimeout (workerd, browsers).
 */
const later: (resolve: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (resolve) => (globalThis as unknown as { setImmediate(f: () => void): void }).setImmediate(resolve)
    : (resolve) => setTimeout(resolve, 0);
export const nextTurn = () => new Promise<void>(later);

/**
 * Calls `each` for every item in slices that yield to the event loop: after `sliceLines` items or
 * SLICE_CHARS of `weight`, whichever comes first. Counting, not timing: in workerd the clock does
 * not advance while code runs.
 */
export async function inSlices<T>(items: readonly T[], weight: (item: T) => number, each: (item: T, index: number) => void, sliceLines = SLICE_LINES): Promise<void> {
  let lines = 0;
  let chars = 0;
  for (let i = 0; i < items.length; i++) {
    if (lines >= sliceLines || chars >= SLICE_CHARS) {
      await nextTurn();
      lines = 0;
      chars = 0;
    }
    each(items[i]!, i);
    lines++;
    chars += weight(items[i]!);
  }
}
