// The link on a finding's code in the Problems panel (server/src/diagnostics.ts). The .vsix
// stores the README as `readme.md` (vsce renames it), the repository as `README.md`: the
// link must name the file that exists, at the finding's section.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { explanationHref, findReadme } from '../../server/src/diagnostics';
import { repoRoot } from '../helpers/repo';

const tmp = mkdtempSync(join(tmpdir(), 'scap-lens-readme-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('in an installed extension (readme.md), every finding code links to its ### section', () => {
  copyFileSync(join(repoRoot(), 'README.md'), join(tmp, 'readme.md'));
  const lines = readFileSync(join(tmp, 'readme.md'), 'utf8').split('\n');
  for (const code of ['epipe', 'econnreset', 'unread-write', 'unread-at-end']) {
    const href = explanationHref(code, tmp)!;
    const url = new URL(href);
    // The file exists under the name the link gives (a case-sensitive file system).
    assert.equal(fileURLToPath(url), join(tmp, 'readme.md'));
    assert.equal(lines[Number(url.hash.slice(2)) - 1], `### ${code}`, href);
  }
  // A code without a section still opens the README.
  assert.equal(explanationHref('not-a-code', tmp), new URL(`file://${join(tmp, 'readme.md')}`).href);
});

test('in the repository (README.md) the same; without any README there is no link', () => {
  assert.match(explanationHref('epipe', repoRoot())!, /\/README\.md#L\d+$/);
  assert.equal(findReadme(join(tmp, 'nothing-here')), undefined);
  assert.equal(explanationHref('epipe', join(tmp, 'nothing-here')), undefined);
});
