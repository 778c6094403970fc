// Findings → diagnostics for the Problems panel: each with its related events (the peer's
// close, the unread writes, the peer's last read) so every entry expands and every sub-entry jumps.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity } from 'vscode-languageserver';
import type { Finding, Severity } from './analysis';
import { callLocation, callRange, lineRange, tokenRange } from './convert';
import type { DumpIndex } from './dumpStore';

export const SOURCE = 'scap-lens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/**
 * The README that explains the findings, and the line of each `### code` heading in it. The
 * extension ships it at its root, but not under one name: vsce stores `README.md` in the
 * .vsix as `readme.md`, while the repository (and the CLI beside it) has `README.md`. A link
 * to the wrong name opens "file not found" on a case-sensitive file system, so the name is
 * looked up once.
 */
export function findReadme(root: string): { file: string; headings: Map<string, number> } | undefined {
  for (const name of ['readme.md', 'README.md']) {
    const file = path.join(root, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const headings = new Map<string, number>();
    text.split('\n').forEach((line, i) => {
      const heading = /^#{2,4} ([a-z][a-z-]*)\s*$/.exec(line);
      if (heading && !headings.has(heading[1])) headings.set(heading[1], i + 1);
    });
    return { file, headings };
  }
  return undefined;
}

let readme: ReturnType<typeof findReadme> | null = null;

/**
 * The link on a finding's code in the Problems panel: the README at the finding's section,
 * e.g. `file:///…/extensions/scap-lens.scap-lens-0.1.0/readme.md#L93`. VS Code opens a file
 * link at the line its `#L` fragment names; a `#epipe` anchor would open the top of the file.
 */
export function explanationHref(code: string, root: string = path.resolve(__dirname, '..', '..')): string | undefined {
  const found = root === path.resolve(__dirname, '..', '..') ? (readme ??= findReadme(root)) : findReadme(root);
  if (!found) return undefined;
  const line = found.headings.get(code);
  return pathToFileURL(found.file).href + (line === undefined ? '' : `#L${line}`);
}

function toDiagnostic(index: DumpIndex, finding: Finding): Diagnostic {
  const href = explanationHref(finding.code);
  return {
    range: callRange(index, finding.call),
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: href === undefined ? undefined : { href },
    source: SOURCE,
    message: finding.message,
    relatedInformation: finding.related.map((related) => {
      const location = callLocation(index, related.call);
      // Related events are placed on the line the analysis chose (a close's enter line).
      if (location.range.start.line !== related.line) location.range = tokenRange(index, related.line, related.call.typeCol);
      return DiagnosticRelatedInformation.create(location, related.message);
    }),
  };
}

export function provideDiagnostics(index: DumpIndex): Diagnostic[] {
  const diagnostics = index.analysis.findings.map((finding) => toDiagnostic(index, finding));
  const { stats } = index.analysis;
  // A file that is not (only) sysdig output deserves one sentence, not silence.
  if (stats.events === 0 && stats.lines > 0) {
    diagnostics.push({
      range: lineRange(index, 0),
      severity: DiagnosticSeverity.Information,
      code: 'not-a-dump',
      source: SOURCE,
      message: `No sysdig events found in ${stats.lines} lines: this does not look like the output of \`sysdig -r FILE.scap\`.`,
    });
  } else if (stats.unparsedLines > 0) {
    const first = stats.unparsedSamples[0];
    diagnostics.push({
      range: lineRange(index, first.line),
      severity: DiagnosticSeverity.Information,
      code: 'unparsed-lines',
      source: SOURCE,
      message: `${stats.unparsedLines} line${stats.unparsedLines === 1 ? ' is' : 's are'} not sysdig events and ${stats.unparsedLines === 1 ? 'was' : 'were'} skipped (this one: ${first.reason}).`,
    });
  }
  return diagnostics;
}
