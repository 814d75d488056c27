/** Which of the Debian-only journal tools (hledger, ledger) this machine lacks. */
import { spawnSync } from 'node:child_process';

export function journalToolsMissing(): string[] {
  return ['hledger', 'ledger'].filter((tool) => spawnSync(tool, ['--version']).error !== undefined);
}

/** True when both tools are installed, so the differential tests can run. */
export const journalToolsPresent = (): boolean => journalToolsMissing().length === 0;
