/**
 * The report format registry. A list rather than a directory scan: its order is the order the
 * files are written in and the flags are listed in --help, and a static list lets TypeScript type
 * the flags. Adding a format: its file in this folder and one entry here.
 */
import html from './html.ts';
import json from './json.ts';
import junit from './junit.ts';
import markdown from './markdown.ts';
import mdSummary from './md-summary.ts';
import mitigation from './mitigation.ts';

export const REPORT_FORMATS = [json, markdown, mdSummary, html, junit, mitigation] as const;
