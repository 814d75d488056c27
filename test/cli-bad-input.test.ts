/**
 * Every kind of bad input the issue lists, through the real `ipb` binary: a clear message
 * naming the line and the problem, a non-zero exit code, and never a stack trace.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, LINES, edit } from './cli-cases.js';
import { hasStackTrace, ipb } from './cli-helpers.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipb-bad-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bad input: a clear message, a non-zero exit, never a stack trace', () => {
  CASES.forEach((c, n) => {
    it(c.name, async () => {
      const path = join(dir, `case-${n}.jsonl`);
      await writeFile(path, c.content());
      const v = await ipb(['verify', path]);
      expect(v.code, v.stderr).toBe(c.code);
      const said = `${v.stdout}${v.stderr}`;
      expect(said).toMatch(c.message);
      expect(hasStackTrace(said)).toBe(false);
      if (c.code === 1 && v.stdout !== '') expect(v.stdout).toMatch(/^NOT INTACT: /);
      const j = await ipb(['verify', '--json', path]);
      expect(j.code).toBe(c.code);
      if (j.stdout !== '') {
        const out = JSON.parse(j.stdout) as { ok: boolean; firstError: { reason: string } };
        expect(out.ok).toBe(false);
        expect(out.firstError.reason.length).toBeGreaterThan(10);
      }
      const b = await ipb(['balances', path]);
      expect(b.code).toBe(c.code);
      expect(b.stdout).toBe('');
      expect(b.stderr).toMatch(/^ipb balances: /);
      expect(b.stderr).toMatch(c.message);
      expect(hasStackTrace(b.stderr)).toBe(false);
    });
  });

  it('an unknown event type is reported and skipped with --tolerant', async () => {
    const path = join(dir, 'tolerant.jsonl');
    await writeFile(
      path,
      edit(LINES.length - 1, (r) => (r['type'] = 'CarerBreakGranted')),
    );
    const v = await ipb(['verify', '--tolerant', path]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^intact: 20 events in 1 budget/);
    expect(v.stdout).toContain(
      'warning: 1 event of unknown types skipped (--tolerant); they may move money this reader cannot see',
    );
    const j = await ipb(['verify', '--tolerant', '--json', path]);
    expect(JSON.parse(j.stdout)).toEqual({ ok: true, events: 20, firstError: null, skipped: 1 });
    const b = await ipb(['balances', '--tolerant', '--json', path]);
    expect(b.code).toBe(0);
    expect(b.stderr).toContain('warning: skipped 1 event(s) of unknown types (CarerBreakGranted x1)');
    expect(JSON.parse(b.stdout)).toHaveProperty('budgets');
  });

  it('a file that does not exist', async () => {
    const r = await ipb(['verify', join(dir, 'nope.jsonl')]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`ipb verify: cannot read ${join(dir, 'nope.jsonl')}: no such file\n`);
    const b = await ipb(['balances', join(dir, 'nope.jsonl')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/no such file/);
  });

  it('a directory instead of a file', async () => {
    const sub = join(dir, 'a-directory');
    await mkdir(sub, { recursive: true });
    const r = await ipb(['verify', sub]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(`ipb verify: cannot read ${sub}: it is a directory, not a log file\n`);
    const a = await ipb(['audit', sub, '--budget', 'x']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/is a directory/);
  });
});
