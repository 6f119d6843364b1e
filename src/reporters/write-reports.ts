import { dirname, resolve } from 'node:path';
import { InferbenchError } from '../core/errors.js';
import { makeFolders, writeFileAtomic } from '../core/fs-utils.js';
import { formatResultTable } from './console-table.js';
import { formatCsvReport } from './csv-report.js';
import { renderHtmlReport } from './html-report.js';
import { writeResultJson } from './json-file.js';
import { formatMarkdownReport } from './markdown-report.js';
import type { ReportFormat, ReportSubject } from './report-subject.js';

/** Every format, in the order they are written. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['console', 'json', 'csv', 'md', 'html'];

/** `console,json,html` as formats; an unknown one is refused with the list. */
export function parseReportFormats(text: string): ReportFormat[] {
  const formats = text.split(',').map((f) => f.trim().toLowerCase());
  for (const format of formats) {
    if (!REPORT_FORMATS.includes(format as ReportFormat)) {
      throw new InferbenchError('INVALID_OPTION', `unknown report format '${format}'; use any of ${REPORT_FORMATS.join(', ')}, separated by commas`);
    }
  }
  return [...new Set(formats as ReportFormat[])];
}

/** A written report file. */
export interface WrittenReport {
  /** Its format. */
  readonly format: Exclude<ReportFormat, 'console'>;
  /** Its absolute path. */
  readonly path: string;
}

/** Where each report goes and how the console one is shown. */
export interface WriteReportsOptions {
  /** Formats to produce. */
  readonly formats: readonly ReportFormat[];
  /** Path of the JSON result (written only when `json` is asked); the other files take its name with their own extension. */
  readonly path: string;
  /** Receives the console report (the caller decides where it goes and whether it is coloured). */
  readonly printConsole: (text: string) => void;
}

/**
 * Writes one run's reports: the console table, the JSON result and, beside it, `.csv`, `.md` and
 * `.html` files of the same name, each whole or not at all, their folder made if missing. Returns the files written.
 */
export async function writeReports(subject: ReportSubject, options: WriteReportsOptions): Promise<WrittenReport[]> {
  const written: WrittenReport[] = [];
  const sibling = (extension: string): string => options.path.replace(/\.json$/i, '') + extension;
  // Made only now, so that a run refused before it writes leaves no folder.
  if (options.formats.some((format) => format !== 'console')) await makeFolders(dirname(options.path));
  for (const format of options.formats) {
    if (format === 'console') {
      for (const result of subject.results) options.printConsole(formatResultTable(result));
    } else if (format === 'json') {
      const [result] = subject.results;
      if (result !== undefined) written.push({ format, path: await writeResultJson(result, options.path) });
    } else {
      const path = sibling(`.${format}`);
      const text = format === 'csv' ? formatCsvReport(subject) : format === 'md' ? formatMarkdownReport(subject) : await renderHtmlReport(subject);
      await writeFileAtomic(path, text);
      written.push({ format, path: resolve(path) });
    }
  }
  return written;
}

/** The line that tells where a report went, aligned with the console table's labels: "result   /…/run.json". */
export function describeWrittenReport(report: WrittenReport): string {
  return `${report.format === 'json' ? 'result' : report.format.padEnd(6)}   ${report.path}`;
}
