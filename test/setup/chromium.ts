/**
 * Finds a real Chromium for the browser tests: `CHROME_PATH`, then the system Chromium, then the
 * build shipped inside the `@sparticuz/chromium` npm package (unpacked on first use).
 */
import { existsSync } from 'node:fs';

export interface FoundChromium {
  readonly path: string;
  readonly source: string;
  /** Extra launch arguments this build needs. */
  readonly args: readonly string[];
}

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export async function findChromium(): Promise<FoundChromium> {
  const fromEnv = process.env['CHROME_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist`);
    return { path: fromEnv, source: 'CHROME_PATH', args: [] };
  }
  const system = SYSTEM.find((p) => existsSync(p));
  if (system !== undefined) return { path: system, source: 'system Chromium', args: [] };
  const { default: chromium } = await import('@sparticuz/chromium');
  const path = await chromium.executablePath();
  return { path, source: 'Chromium from npm (@sparticuz/chromium)', args: chromium.args };
}
