import type { FeedRecord } from './schemas.ts';

/**
 * What the feed hashes to recognise a record sent again: the record with the holder's BSN replaced
 * by their pseudonymous subject id. A plain hash over a record holding a BSN could be brute-forced
 * back to the BSN from a database dump (there are only ~10^8 valid BSNs).
 */
export function fingerprintSource(record: FeedRecord, subjectId: string | undefined): unknown {
  if (record.type === 'annulment') return record;
  const { bsn: _bsn, ...holder } = record.holder;
  return { ...record, holder: { ...holder, subjectId } };
}
