/** docs/schema-evolution.md: reading a log written by version 1 with today's code. */
import { readFileSync } from 'node:fs';
import {
  balances,
  balancesJson,
  currentVersion,
  decodeEvent,
  hashOfEnvelope,
  upcastData,
  upcasters,
  type LedgerEvent,
  type Upcaster,
} from 'ipb-ledger';

export function readVersionOneLog(path = 'test/fixtures/v1/karl.jsonl'): string {
  const out: string[] = [];
  // #region read
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const stored = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const spend = stored.find((u) => u['type'] === 'SpendRecorded');
  out.push(`stored: v${String(spend?.['v'])}, data keys ${Object.keys(spend?.['data'] as object).join(' ')}`);

  const event = decodeEvent(spend); // upcast at the decode boundary
  if (event._tag === 'Right' && event.right.type === 'SpendRecorded') {
    out.push(`read:   v${event.right.v}, purpose ${event.right.data.purpose}`);
  }
  // #endregion read

  // #region hash
  // The hash covers the stored bytes, so an old line verifies exactly as it was written.
  out.push(`hash of the stored line matches: ${stored.every((u) => hashOfEnvelope(u) === u['hash'])}`);
  // #endregion hash

  // #region balances
  const events: LedgerEvent[] = [];
  for (const u of stored) {
    const e = decodeEvent(u);
    if (e._tag === 'Left') throw new Error(e.left.message);
    events.push(e.right);
  }
  const health = balancesJson(balances(events)).budgets[0]?.streams.health;
  out.push(`health spent ${health?.spent}, remaining ${health?.remaining}`);
  // #endregion balances

  // #region registry
  out.push(`SpendRecorded is at version ${currentVersion('SpendRecorded')}`);
  out.push(
    `upcasters: ${Object.entries(upcasters).map(([type, ups]) => `${type} from v${Object.keys(ups ?? {}).join(', v')}`)}`,
  );
  // #endregion registry

  // #region next
  // A future v3 would add one pure function, v2 -> v3, beside the v1 -> v2 one:
  const spendRecordedV2toV3: Upcaster = (data) => ({ ...data, currency: 'GBP' });
  const v1 = { spendId: 'sp-1', amount: '10.00' };
  const v2 = upcastData('SpendRecorded', 1, v1);
  if (v2._tag === 'Right') out.push(`v1 -> v2 -> v3: ${JSON.stringify(spendRecordedV2toV3(v2.right))}`);
  // #endregion next
  return out.join('\n');
}
