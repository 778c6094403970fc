// Findings → diagnostics for the Problems panel: each with its related events (the peer's
// close, the unread writes, the peer's last read) so every entry expands and every sub-entry jumps.

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

/** The README section that explains a finding; the README ships inside the extension. */
export function explanationHref(code: string): string {
  const readme = path.resolve(__dirname, '..', '..', 'README.md');
  return `${pathToFileURL(readme).href}#${code}`;
}

function toDiagnostic(index: DumpIndex, finding: Finding): Diagnostic {
  return {
    range: callRange(index, finding.call),
    severity: SEVERITY[finding.severity],
    code: finding.code,
    codeDescription: { href: explanationHref(finding.code) },
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
