// `scap-lens check --format sarif|github`: the findings in the two formats CI systems read.
//  - SARIF 2.1.0 (OASIS), which GitHub code scanning and other dashboards upload: one log for
//    all files, one result per finding, the related events as relatedLocations, and one rule
//    per finding code with a link to its explanation.
//  - GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`), which turn
//    into annotations on the pull request without any upload step.
// Both read the same report the `--json` output prints (1-based lines and columns).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { terminalText } from '../terminal';

/** What the writers read of one file's report: cli.ts's FileReport has these fields. */
export interface Report {
  file: string;
  diagnostics: {
    line: number; column: number; severity: string; code: string; message: string;
    related: { line: number; message: string }[];
  }[];
}

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The finding codes, what each means in one sentence, and the README section that explains it. */
const RULES = [
  { id: 'epipe', name: 'WriteFailedWithEpipe', level: 'error', text: 'A write failed with EPIPE: the reading end of the socket was closed, and the diagnostic names the close that caused it.' },
  { id: 'econnreset', name: 'ConnectionReset', level: 'error', text: 'A read or write failed with ECONNRESET: the peer closed while data it had not read was still queued for it.' },
  { id: 'unread-write', name: 'UnreadTrailingWrite', level: 'warning', text: 'Bytes were written successfully and the peer closed its end without reading them: the race that sometimes turns into EPIPE.' },
  { id: 'unread-at-end', name: 'UnreadAtEndOfCapture', level: 'note', text: 'The capture ended while the reader still had the socket open and had not read everything written to it.' },
] as const;

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note' };
const GITHUB_COMMAND: Record<string, string> = { error: 'error', warning: 'warning', information: 'notice' };

/** Who wrote the log: the name, version and README address from the package.json beside the bundle. */
export interface ToolInfo {
  name: string;
  version: string;
  /** Where the README is read on the web; each rule's help link is a section of it. */
  readmeUri: string;
}

/**
 * The package.json the CLI ships with (server/out/cli.js → ../../package.json, in the
 * repository and in the .vsix alike). Its `repository.url`, e.g.
 * `https://example.invalid/scap-lens.git`, gives the README address the help links point into.
 */
export function toolInfo(bundleDir: string = __dirname): ToolInfo {
  let manifest: { name?: string; version?: string; homepage?: string; repository?: { url?: string } | string } = {};
  try {
    manifest = JSON.parse(readFileSync(join(bundleDir, '..', '..', 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    // A copied bundle without its package.json still writes a valid log.
  }
  const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  const home = manifest.homepage ?? repository?.replace(/^git\+/, '').replace(/\.git$/, '');
  return {
    name: manifest.name ?? 'scap-lens',
    version: manifest.version ?? '0.0.0',
    readmeUri: home && /^https?:\/\//.test(home) ? home : 'https://example.invalid/scap-lens',
  };
}

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/**
 * A workflow command's message, escaped as GitHub's toolkit does (`escapeData` in
 * @actions/core): `%`, CR and LF become %25, %0D and %0A, which the runner decodes. Other
 * control characters (a dump's process names can hold terminal escapes) have no such
 * encoding and are shown as `\xHH`, as the text output shows them (terminal.ts).
 */
export function escapeGithubData(text: string): string {
  return terminalText(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** A workflow command's property value (file, title): as data, and `:` and `,` too (`escapeProperty`). */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * One workflow command per finding, e.g.
 *   `::error file=test/fixtures/seed-epipe.scap.txt,line=34,col=55,title=scap-lens epipe::writev of 8 bytes failed with EPIPE: …`
 * GitHub has no related locations, so the related events follow the message, one per line.
 */
export function githubAnnotations(report: Report): string {
  let out = '';
  for (const d of report.diagnostics) {
    const related = d.related.map((r) => `\nline ${r.line}: ${r.message}`).join('');
    out += `::${GITHUB_COMMAND[d.severity] ?? 'notice'} file=${escapeGithubProperty(report.file)},line=${d.line},col=${d.column},`
      + `title=${escapeGithubProperty(`scap-lens ${d.code}`)}::${escapeGithubData(d.message + related)}\n`;
  }
  return out;
}

/**
 * A SARIF artifact location for a path as the user gave it: a relative path stays relative
 * (code scanning resolves it against the repository root), an absolute one becomes a file URI.
 * Standard input has no URI and is described instead.
 */
function artifactLocation(file: string): Record<string, unknown> {
  if (file === '<stdin>') return { description: { text: 'standard input' } };
  const segments = file.split(/[\\/]/);
  const encoded = segments.map((s) => encodeURIComponent(s)).join('/');
  return file.startsWith('/') ? { uri: `file://${encoded}` } : { uri: encoded };
}

/**
 * The SARIF 2.1.0 log of one `scap-lens check` run over `reports` (one per file). The result
 * for the seed's EPIPE is
 *   `{"ruleId":"epipe","ruleIndex":0,"level":"error","message":{"text":"writev of 8 bytes failed with EPIPE: …"},
 *     "locations":[{"physicalLocation":{"artifactLocation":{"uri":"test/fixtures/seed-epipe.scap.txt"},"region":{"startLine":34,"startColumn":55}}}],
 *     "relatedLocations":[{"id":1,"message":{"text":"uwsgi (20882) closed its end …"},"physicalLocation":{…,"region":{"startLine":31}}}]}`
 */
export function sarifLog(reports: Report[], tool: ToolInfo, executionSuccessful: boolean): Record<string, unknown> {
  const ruleIndex = new Map<string, number>(RULES.map((r, i) => [r.id, i]));
  const results = reports.flatMap((report) => report.diagnostics.map((d) => {
    const location = artifactLocation(report.file);
    const result: Record<string, unknown> = {
      ruleId: d.code,
      level: SARIF_LEVEL[d.severity] ?? 'note',
      message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: { startLine: d.line, startColumn: d.column } } }],
    };
    const index = ruleIndex.get(d.code);
    if (index !== undefined) result.ruleIndex = index;
    if (d.related.length > 0) {
      result.relatedLocations = d.related.map((r, i) => ({
        id: i + 1,
        message: { text: r.message },
        physicalLocation: { artifactLocation: location, region: { startLine: r.line } },
      }));
    }
    return result;
  }));
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: tool.name,
          version: tool.version,
          informationUri: tool.readmeUri,
          rules: RULES.map((rule) => ({
            id: rule.id,
            name: rule.name,
            shortDescription: { text: rule.text },
            helpUri: `${tool.readmeUri}#${rule.id}`,
            help: { text: `${rule.text} See ${tool.readmeUri}#${rule.id}`, markdown: `${rule.text} [More about \`${rule.id}\`](${tool.readmeUri}#${rule.id}).` },
            defaultConfiguration: { level: rule.level },
          })),
        },
      },
      invocations: [{ executionSuccessful }],
      // sysdig dumps are ASCII: a column counts bytes, characters and UTF-16 units alike.
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

/**
 * The log as text: JSON.stringify escapes C0 controls but leaves DEL and C1 controls raw,
 * so those get `\u00XX` escapes too (still the same JSON string).
 */
export function sarifText(log: Record<string, unknown>): string {
  return JSON.stringify(log, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u00${hex(c)}`) + '\n';
}
