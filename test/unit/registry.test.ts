// The format registry (server/src/analysis/formats/): every fixture's dump picks the format
// it is in, by its first event, whether the analyzer reads it as text or the CLI as bytes;
// detection (detect.ts) and the analysis agree; and a line reads as an event of one format only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeStream, analyzeText } from '../../server/src/analysis';
import { detectTraceLanguage } from '../../server/src/analysis/detect';
import { FORMATS, formatNamed, parseAllFields, type FormatName } from '../../server/src/analysis/formats';
import { repoRoot } from '../helpers/repo';

/** The format each kind of fixture is in, by its name. */
function expectedFormat(name: string): FormatName | undefined {
  if (name.endsWith('.strace')) return 'strace';
  if (name.startsWith('lidds-')) return 'lidds';
  if (name.endsWith('.j.txt')) return 'json';
  if (name.endsWith('.txt') && !name.includes('.expected') && !name.startsWith('README')) return 'sysdig';
  return undefined;
}

function fixtures(): { name: string; text: string; format: FormatName }[] {
  const found: { name: string; text: string; format: FormatName }[] = [];
  for (const dir of ['test/fixtures', 'test/fixtures/strace-flags']) {
    for (const name of readdirSync(join(repoRoot(), dir))) {
      const format = expectedFormat(name);
      if (format) found.push({ name: `${dir}/${name}`, text: readFileSync(join(repoRoot(), dir, name), 'latin1'), format });
    }
  }
  return found;
}

test('every fixture picks the format it is in, as text and as bytes, and detection gives that format\'s language', async () => {
  const all = fixtures();
  for (const format of FORMATS) assert.ok(all.some((f) => f.format === format.name), `a fixture in ${format.name}`);
  for (const { name, text, format } of all) {
    const analysis = analyzeText(text);
    assert.ok(analysis.stats.events > 0, name);
    assert.equal(analysis.format, format, name);
    assert.equal((await analyzeStream([Buffer.from(text, 'latin1')])).format, format, `${name} (bytes)`);
    assert.equal(detectTraceLanguage(text), formatNamed(format)!.language, name);
  }
});

test('an event line of one format is no other format\'s, and reads the same through parseAllFields', () => {
  for (const { name, text, format } of fixtures()) {
    const first = text.split('\n').map((l) => l.replace(/\r$/, '')).find((l) => FORMATS.some((f) => f.looksLike(l)))!;
    assert.deepEqual(FORMATS.filter((f) => f.looksLike(first)).map((f) => f.name), [format], `${name}: ${first.slice(0, 80)}`);
    const own = parseAllFields(first, 0, formatNamed(format));
    assert.ok(own, name);
    assert.deepEqual(parseAllFields(first, 0), own, name);
  }
});

test('a text with no event has no format', () => {
  const analysis = analyzeText('hello\nworld\n');
  assert.equal(analysis.format, undefined);
  assert.equal(analysis.stats.unparsedLines, 2);
});
