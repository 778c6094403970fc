// Shared test helpers: find the repository root from wherever the bundled test runs
// (test/out/unit/*.js), read fixtures, run the CLI.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

let root: string | undefined;

/** The directory holding this project's package.json, found by walking up from __dirname. */
export function repoRoot(): string {
  if (root !== undefined) return root;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'scap-lens') {
          root = dir;
          return dir;
        }
      } catch {
        // not ours: keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no scap-lens package.json above ${__dirname}`);
    dir = parent;
  }
}

export function fixturePath(name: string): string {
  return join(repoRoot(), 'test', 'fixtures', name);
}

/** A fixture as text (latin1, like the CLI reads it: one character per byte). */
export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'latin1');
}

/** The fixture's lines without their `\n` (the last, empty element after the final newline dropped). */
export function fixtureLines(name: string): string[] {
  const lines = readFixture(name).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function cliPath(): string {
  const cli = join(repoRoot(), 'server', 'out', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run \`npm run build\` (npm run test:unit builds it) first`);
  return cli;
}

/** Runs `node server/out/cli.js ARGS...` from the repository root and returns its output. */
export function runCli(args: string[], cwd: string = repoRoot()): SpawnSyncReturns<string> {
  const result = spawnSync(process.execPath, [cliPath(), ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  if (result.error) throw result.error;
  return result;
}
