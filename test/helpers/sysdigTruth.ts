// The differential check against sysdig itself: bytes per (process name, fd) on socket fds as
// sysdig's state engine counts them (test/fixtures/sysdig-truth/*.json, made by
// scripts/sysdig-truth.mjs), against the sums over `scap-lens conversations --json` of the
// capture's text dump. Used by test/unit/sysdigTruth.test.ts and scripts/corpus-check.mjs.

export interface TruthEndpoint {
  process: string;
  fd: number;
  bytesWritten: number;
  bytesRead: number;
}

export interface TruthFixture {
  capture: string;
  dump: string;
  endpoints: TruthEndpoint[];
}

/** The part of a `conversations --json` object this comparison reads. */
export interface ConversationsReport {
  conversations: { endpoints: { process: string; fd: number; bytesWritten: number; bytesRead: number }[] }[];
}

export interface TruthComparison {
  /** Endpoints sysdig counts. */
  total: number;
  agree: number;
  /** One line per endpoint that differs, sysdig's count first. */
  differences: string[];
  /** Bytes sysdig counts and bytes the dump's conversations give for them. */
  truthBytes: number;
  matchedBytes: number;
}

/**
 * Sums the conversations' endpoints per (process, fd) and compares them with sysdig's.
 * An endpoint of ours with bytes that sysdig does not count is a difference too (it is
 * counted in `total`, so that agreeing means the same set of endpoints).
 */
export function compareWithTruth(truth: TruthFixture, report: ConversationsReport): TruthComparison {
  const ours = new Map<string, TruthEndpoint>();
  for (const conversation of report.conversations) {
    for (const e of conversation.endpoints) {
      const key = `${e.process}|${e.fd}`;
      const sum = ours.get(key) ?? { process: e.process, fd: e.fd, bytesWritten: 0, bytesRead: 0 };
      sum.bytesWritten += e.bytesWritten;
      sum.bytesRead += e.bytesRead;
      ours.set(key, sum);
    }
  }
  const result: TruthComparison = { total: 0, agree: 0, differences: [], truthBytes: 0, matchedBytes: 0 };
  for (const t of truth.endpoints) {
    const key = `${t.process}|${t.fd}`;
    const o = ours.get(key);
    ours.delete(key);
    result.total++;
    result.truthBytes += t.bytesWritten + t.bytesRead;
    const written = o?.bytesWritten ?? 0;
    const read = o?.bytesRead ?? 0;
    result.matchedBytes += Math.min(written, t.bytesWritten) + Math.min(read, t.bytesRead);
    if (written === t.bytesWritten && read === t.bytesRead) result.agree++;
    else result.differences.push(`${t.process} fd ${t.fd}: sysdig wrote ${t.bytesWritten} read ${t.bytesRead}, dump gives wrote ${written} read ${read}`);
  }
  for (const o of ours.values()) {
    if (o.bytesWritten === 0 && o.bytesRead === 0) continue;
    result.total++;
    result.differences.push(`${o.process} fd ${o.fd}: sysdig counts nothing, dump gives wrote ${o.bytesWritten} read ${o.bytesRead}`);
  }
  return result;
}
