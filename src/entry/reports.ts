/**
 * inferbench/reports: a result as a console table, CSV, Markdown or HTML.
 *
 * @module inferbench/reports
 */
export { formatResultTable } from '../reporters/console-table.js';
export { formatCsvReport } from '../reporters/csv-report.js';
export { formatMarkdownReport } from '../reporters/markdown-report.js';
export { renderHtmlReport } from '../reporters/html-report.js';
export type { HtmlReportOptions } from '../reporters/html-report.js';
export { writeReports, REPORT_FORMATS } from '../reporters/write-reports.js';
export type { WriteReportsOptions, WrittenReport } from '../reporters/write-reports.js';
export type { ReportSubject, ReportFormat } from '../reporters/report-subject.js';
export { formatCompareReport } from '../reporters/compare-report.js';
export { writeResultJson } from '../reporters/json-file.js';
