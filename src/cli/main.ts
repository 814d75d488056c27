#!/usr/bin/env node
/**
 * `ipb`: the command line for auditors and evaluators. One program, one file per subcommand;
 * each subcommand file exports a `register<Name>(program)` function that is called below.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { EXIT } from './output.js';
import { registerAudit } from './audit.js';
import { registerBalances } from './balances.js';
import { registerFlags } from './flags.js';
import { registerReplay } from './replay.js';
import { registerVerify } from './verify.js';
import { registerOutcomes } from './outcomes.js';
import { registerExport } from './export.js';
import { registerStatement } from './statement.js';

/** Builds the `ipb` program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command('ipb');
  program
    .description('Verify, replay and report on integrated personal budget event logs (ipb.event/1).')
    .version(version(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nEvery subcommand: data on stdout, messages on stderr; exit 0 success, 1 the input is not good, 2 usage or I/O error.\nRun "ipb <command> --help" for its options, exit codes and an example.',
    )
    .exitOverride((err) => {
      // Help and --version end with 0; every usage error with 2 (never commander's default 1).
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    });

  // One line per subcommand (each lives in its own file):
  registerVerify(program);
  registerBalances(program);
  registerAudit(program);
  registerFlags(program);
  registerReplay(program);
  registerOutcomes(program);
  registerExport(program);
  registerStatement(program);

  return program;
}

function version(): string {
  // The package's own package.json, through its `./package.json` export (works from src/ and dist/).
  const pkg = createRequire(import.meta.url)('ipb-ledger/package.json') as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

await buildProgram().parseAsync(process.argv);
