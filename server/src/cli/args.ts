// How every command of the CLI reads its arguments: node:util's parseArgs (part of Node, so no
// dependency), `-h`/`--help` answered with the usage, and a bad option answered with one
// sentence and the usage. One place, so that `check`, `conversations`, `follow` and `diagram`
// treat them alike.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { writeErr, writeOut } from './output';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

export interface Arguments {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * `scap-lens follow --json trace.scap.txt:34` → `{ values: { json: true }, positionals: ['trace.scap.txt:34'] }`.
 * A number instead when the command is already answered: EXIT_OK after printing the usage for
 * `--help`, EXIT_BAD_INPUT after saying what is wrong with an option. `name` starts the sentence.
 */
export function readArguments(argv: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string, name: string): Arguments | number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (error) {
    writeErr(`${name}: ${(error as Error).message}\n${usage}\n`);
    return EXIT_BAD_INPUT;
  }
  if (parsed.values.help === true) {
    writeOut(usage + '\n');
    return EXIT_OK;
  }
  return { values: parsed.values, positionals: parsed.positionals };
}
