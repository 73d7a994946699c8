import type { BenchRow } from './rows.js';

const number = (value: number) => {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};
const cell = (text: string) => text.replaceAll('|', '\\|');

/** Markdown table: path | figure | value | baseline | ratio | aim; ratio = value ÷ baseline, measured in the same run. */
export function printRows(rows: readonly BenchRow[]): string {
  const lines = ['| path | figure | value | baseline | ratio | aim |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const baseline = row.baseline ? `${row.baseline.label}: ${number(row.baseline.value)} ${row.unit}` : '';
    const ratio = row.baseline && row.baseline.value !== 0 ? (row.value / row.baseline.value).toFixed(2) : '';
    lines.push(`| ${[row.path, row.figure, `${number(row.value)} ${row.unit}`, baseline, ratio, row.aim ?? ''].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}
