/** docs/journal.md: exporting Karl's year as a journal that hledger and ledger check. */
import { createWriteStream } from 'node:fs';
import { journalOf, projectedAccountBalances, writeJournal } from 'ipb-ledger';
import { karlLedger } from '../../examples/karl.js';

export async function exportKarlJournal(path: string): Promise<string> {
  const out: string[] = [];
  // #region export
  const events = karlLedger().events();
  const file = createWriteStream(path);
  const summary = await writeJournal(events, file, { assertions: 'month' });
  await new Promise((resolve) => file.end(resolve));
  out.push(`${summary.transactions} transactions, ${summary.assertions} balance assertions`);
  // #endregion export

  // #region postings
  const reversal = journalOf(events).transactions.find((t) => t.type === 'SpendReversed');
  for (const p of reversal?.postings ?? []) out.push(`${p.account}  ${p.amount}`);
  // #endregion postings

  // #region projected
  const expected = projectedAccountBalances(events);
  out.push(
    `budget:notts-karl-2018:health:available should be ${expected.get('budget:notts-karl-2018:health:available')}`,
  );
  // #endregion projected
  return out.join('\n');
}
