// Pull diagnostics (`textDocument/diagnostic`) for clients that ask for them instead of pushes. Each
// document's diagnostics get a result id that changes only when the diagnostics do, so a pull after an edit
// that changed no finding (most keystrokes) is answered `unchanged`: a few bytes instead of the whole list
// (hundreds of kilobytes on a job with a thousand tasks), and nothing for the client to decode and redraw.
import type { Diagnostic, DocumentDiagnosticReport } from 'vscode-languageserver';
import type { DocumentSnapshot } from './analysis';
import { shownDiagnostics } from './diagnosticLimit';

interface Report {
  resultId: string;
  diagnostics: readonly Diagnostic[];
}

/** Same diagnostics: the same objects (checks hand out the same one for an unchanged finding) or equal ones. */
function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && JSON.stringify(a[i]) !== JSON.stringify(b[i])) return false;
  return true;
}

export class DiagnosticReports {
  private readonly reports = new Map<string, Report>();
  private next = 0;

  /** The report for a completed analysis: `unchanged` when the client already holds `previousResultId`'s. */
  report(snapshot: DocumentSnapshot, previousResultId: string | undefined): DocumentDiagnosticReport {
    const diagnostics = shownDiagnostics(snapshot.analysis.diagnostics);
    let report = this.reports.get(snapshot.uri);
    if (!report || !sameDiagnostics(report.diagnostics, diagnostics)) {
      report = { resultId: `${++this.next}`, diagnostics };
      this.reports.set(snapshot.uri, report);
    } else {
      // Keep the newest objects: the next comparison then mostly meets the same objects.
      report.diagnostics = diagnostics;
    }
    if (previousResultId === report.resultId) return { kind: 'unchanged', resultId: report.resultId };
    return { kind: 'full', resultId: report.resultId, items: diagnostics as Diagnostic[] };
  }

  forget(uri: string): void {
    this.reports.delete(uri);
  }
}
