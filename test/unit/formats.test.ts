// `scap-lens check --format sarif|github` (server/src/cli/formats.ts): the SARIF log is
// validated against the published SARIF 2.1.0 schema (test/fixtures/sarif-schema-2.1.0.json,
// provenance in test/fixtures/README.md) and holds exactly the --json findings; the GitHub
// workflow commands are one per finding and escaped as GitHub's toolkit escapes them.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Ajv from 'ajv';
import { escapeGithubData, escapeGithubProperty, githubAnnotations, sarifLog, sarifText, toolInfo, type Report } from '../../server/src/cli/formats';
import { fixturePath, repoRoot, runCli } from '../helpers/repo';

const SEED = 'test/fixtures/seed-epipe.scap.txt';
const REVERT = 'test/fixtures/revert-httpd-POST-single.scap.txt';
const LIDDS = 'test/fixtures/lidds-apache2-excerpt.sc.txt';

/**
 * A validator for the SARIF schema. The schema is draft-04; ajv 8 reads draft-07, and the
 * schema uses only keywords whose meaning did not change between the two (type, properties,
 * $ref, items, enum, pattern, minimum, ...) except the root's `id`, which draft-07 names `$id`.
 * The three formats it names are checked here, so a bad URI fails the test.
 */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(fixturePath('sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/') && !/[\s<>"{}|\\^`]/.test(value));
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i);
  return ajv.compile({ $id: id as string, ...rest });
}

interface JsonReport extends Report {
  events: number;
}

function jsonReports(files: string[]): JsonReport[] {
  const r = runCli(['check', '--json', ...files]);
  return r.stdout.split('\n').filter((l) => l).map((l) => JSON.parse(l) as JsonReport);
}

interface SarifResult {
  ruleId: string; ruleIndex: number; level: string; message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
  relatedLocations?: { id: number; message: { text: string }; physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
}

test('--format sarif: a valid SARIF 2.1.0 log with one result per --json finding, over several files', () => {
  const validate = sarifValidator();
  const files = [SEED, REVERT, LIDDS];
  const r = runCli(['check', '--format', 'sarif', ...files]);
  assert.equal(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string; defaultConfiguration: { level: string } }[] } }; results: SarifResult[]; invocations: { executionSuccessful: boolean }[] }[] };
  assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  const [run] = log.runs;
  assert.equal(run.invocations[0].executionSuccessful, true);
  const rules = run.tool.driver.rules;
  assert.deepEqual(rules.map((rule) => rule.id), ['epipe', 'econnreset', 'unread-write', 'unread-at-end']);
  for (const rule of rules) assert.match(rule.helpUri, new RegExp(`^https://.+#${rule.id}$`));
  const expected = jsonReports(files).flatMap((report) => report.diagnostics.map((d) => ({ file: report.file, ...d })));
  // 1 EPIPE + 1 unread-write in the seed, 62 unread-write in revert, LID-DS's ECONNRESETs and EPIPE.
  assert.ok(expected.length >= 66, String(expected.length));
  assert.equal(run.results.length, expected.length);
  run.results.forEach((result, i) => {
    const d = expected[i];
    assert.equal(result.ruleId, d.code);
    assert.equal(rules[result.ruleIndex].id, d.code);
    assert.equal(result.level, { error: 'error', warning: 'warning', information: 'note' }[d.severity]);
    assert.equal(result.message.text, d.message);
    const { artifactLocation, region } = result.locations[0].physicalLocation;
    assert.equal(artifactLocation.uri, d.file);
    assert.deepEqual(region, { startLine: d.line, startColumn: d.column });
    assert.deepEqual((result.relatedLocations ?? []).map((l) => [l.physicalLocation.region.startLine, l.message.text, l.physicalLocation.artifactLocation.uri]),
      d.related.map((rel) => [rel.line, rel.message, d.file]));
  });
  // The seed's EPIPE: caused by uWSGI's close on line 31.
  const epipe = run.results.find((result) => result.ruleId === 'epipe' && result.locations[0].physicalLocation.artifactLocation.uri === SEED);
  assert.equal(epipe?.locations[0].physicalLocation.region.startLine, 34);
  assert.equal(epipe?.relatedLocations?.[0].physicalLocation.region.startLine, 31);
});

test('--format sarif: a file that cannot be analysed makes the run unsuccessful and the log stays valid', () => {
  const r = runCli(['check', '--format', 'sarif', SEED, 'test/fixtures/does-not-exist.scap.txt']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /does not exist/);
  const log = JSON.parse(r.stdout) as { runs: { invocations: { executionSuccessful: boolean }[]; results: unknown[] }[] };
  assert.ok(sarifValidator()(log));
  assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
  assert.equal(log.runs[0].results.length, 2);
});

test('the SARIF writer: absolute paths become file URIs, odd names are encoded, control characters never appear raw', () => {
  const validate = sarifValidator();
  const report: Report = {
    file: '/tmp/a dir/100%#1.scap.txt',
    diagnostics: [{ line: 3, column: 7, severity: 'warning', code: 'unread-write', message: 'bytes \x1b[31mred\x1b[0m and \x85 never read', related: [{ line: 9, message: 'closed\nhere' }] }],
  };
  const log = sarifLog([report, { file: 'sub/dir/x.txt', diagnostics: [] }], toolInfo(repoRoot() + '/server/out'), true);
  assert.ok(validate(log), JSON.stringify(validate.errors));
  // The validator rejects what code scanning would: an LSP severity name as the level, a bad URI.
  const broken = JSON.parse(JSON.stringify(log)) as { runs: { results: { level: string }[]; tool: { driver: { informationUri: string } } }[] };
  broken.runs[0].results[0].level = 'information';
  assert.equal(validate(broken), false);
  broken.runs[0].results[0].level = 'warning';
  broken.runs[0].tool.driver.informationUri = 'not a uri';
  assert.equal(validate(broken), false);
  const text = sarifText(log);
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  const parsed = JSON.parse(text) as { runs: { results: SarifResult[]; tool: { driver: { version: string } } }[] };
  assert.equal(parsed.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'file:///tmp/a%20dir/100%25%231.scap.txt');
  // The escapes are JSON's: the text reads back unchanged.
  assert.equal(parsed.runs[0].results[0].message.text, report.diagnostics[0].message);
  assert.equal(parsed.runs[0].tool.driver.version, (JSON.parse(readFileSync(`${repoRoot()}/package.json`, 'utf8')) as { version: string }).version);
});

test('--format github: one workflow command per finding, at its line and column, with the related events', () => {
  const r = runCli(['check', '--format', 'github', SEED, REVERT]);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l);
  const expected = jsonReports([SEED, REVERT]).flatMap((report) => report.diagnostics.map((d) => ({ file: report.file, ...d })));
  assert.equal(lines.length, expected.length);
  lines.forEach((line, i) => {
    const d = expected[i];
    const command = { error: 'error', warning: 'warning', information: 'notice' }[d.severity];
    assert.ok(line.startsWith(`::${command} file=${d.file},line=${d.line},col=${d.column},title=scap-lens ${d.code}::`), line);
    const message = line.slice(line.indexOf('::', 2) + 2).split('%0A');
    assert.equal(message[0], d.message.replace(/%/g, '%25'));
    assert.deepEqual(message.slice(1), d.related.map((rel) => `line ${rel.line}: ${rel.message}`));
  });
  assert.match(lines.find((l) => l.startsWith('::error'))!, /^::error file=test\/fixtures\/seed-epipe\.scap\.txt,line=34,col=\d+,title=scap-lens epipe::writev of 8 bytes failed with EPIPE: /);
});

test('GitHub escaping: %, CR and LF in data; also : and , in properties; no raw control character', () => {
  // The rules of @actions/core's escapeData / escapeProperty.
  assert.equal(escapeGithubData('50% done\r\nnext'), '50%25 done%0D%0Anext');
  assert.equal(escapeGithubProperty('C:\\dumps\\a,b.txt'), 'C%3A\\dumps\\a%2Cb.txt');
  assert.equal(escapeGithubData('a\x1b[31mb\x7f\x9b'), 'a\\x1b[31mb\\x7f\\x9b');
  const out = githubAnnotations({
    file: 'odd,name:1.txt',
    diagnostics: [{ line: 1, column: 2, severity: 'information', code: 'unread-at-end', message: '::error::forged\nline', related: [] }],
  });
  assert.equal(out, '::notice file=odd%2Cname%3A1.txt,line=1,col=2,title=scap-lens unread-at-end::::error::forged%0Aline\n');
  // A message can never start a second command: every line break is encoded.
  assert.equal(out.split('\n').length, 2);
});

test('--format rejects unknown formats and a --json that contradicts it', () => {
  const bad = runCli(['check', '--format', 'xml', SEED]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--format takes one of text, json, sarif, github/);
  assert.equal(runCli(['check', '--json', '--format', 'sarif', SEED]).status, 2);
  assert.equal(runCli(['check', '--json', '--format', 'json', SEED]).status, 1);
});
