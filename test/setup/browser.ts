/**
 * Launches the real Chromium the global setup found (`test/setup/global.ts`): the system one, the
 * one in `CHROME_PATH`, or the build shipped in `@sparticuz/chromium`. Headless, no network
 * chatter (this machine's network is closed), a fresh profile.
 */
import { chromium, type Browser } from 'playwright-core';
import { findChromium } from './chromium.js';

const FLAGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  let path = process.env['IPB_CHROMIUM'];
  let extra: readonly string[] = JSON.parse(process.env['IPB_CHROMIUM_ARGS'] ?? '[]') as string[];
  if (path === undefined || path === '') {
    // run outside the global setup (a single file with a custom config): find it here
    const found = await findChromium();
    path = found.path;
    extra = found.args;
  }
  // the npm build brings its own flags (made for serverless functions); its headless mode flag
  // replaces ours, and its --single-process is left out: in one process, closing a browser
  // context closes the whole browser, and the tests open and close many
  extra = extra.filter((a) => a !== '--single-process');
  const args = [
    ...FLAGS.filter((f) => !(f === '--headless' && extra.some((a) => a.startsWith('--headless')))),
    ...extra,
  ];
  return chromium.launch({ executablePath: path, args: [...new Set(args)] });
}
