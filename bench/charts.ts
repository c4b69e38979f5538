// The report's charts, as SVG files and as text for BENCHMARKS.md: each target's measure against
// its goal, and the scale scenario's files/s ratio against the number of files.
import type { ScaleSummary } from './summary.ts';

export interface Target {
  area: string;
  what: string;
  measured: number;
  unit: string;
  /** `>=` or `<=` the goal. */
  sense: '>=' | '<=';
  goal: number;
  /** 1 or more: met; how far from the goal, on one scale for the chart. */
  score: number;
  met: boolean;
}

// `+ 0` turns -0 into 0; a value that rounds to zero shows no sign.
export const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? (Number(value.toFixed(digits)) + 0).toFixed(digits) : 'n/a');
/** `1.00×`, `12 ms`, or the bare number for a count. */
export const withUnit = (text: string, unit: string) => `${text}${unit === '×' ? '×' : unit ? ` ${unit}` : ''}`;
/** A target's measure, as precise as its unit needs. */
export const measuredText = (row: Target) => withUnit(fixed(row.measured, row.unit === 'B' || row.unit === 'ms' || row.unit === '' ? 0 : 2), row.unit);

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars of each target's score (measured against goal, 1 = just met), capped at 2. */
export function targetChart(rows: Target[]): string {
  const left = 470;
  const width = 300;
  const rowHeight = 26;
  const top = 40;
  const height = top + rows.length * rowHeight + 30;
  const x = (score: number) => left + (Math.min(Math.max(Number.isFinite(score) ? score : 0, 0), 2) / 2) * width;
  const bars = rows
    .map((row, i) => {
      const y = top + i * rowHeight;
      const label = `${row.area}: ${row.what}`;
      const value = `${measuredText(row)} (goal ${row.sense} ${row.goal})`;
      return [
        `<text x="${left - 8}" y="${y + 16}" text-anchor="end" font-size="11">${escapeXml(label.length > 78 ? `${label.slice(0, 76)}…` : label)}</text>`,
        `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(row.score) - left).toFixed(1)}" height="16" fill="${row.met ? '#2e7d32' : '#c62828'}"/>`,
        `<text x="${x(row.score) + 4}" y="${y + 16}" font-size="11">${escapeXml(value)}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 230}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" font-size="13" font-weight="bold">presigned-uploader vs its targets (bar: measured relative to the goal; the line is the goal; green met, red not)</text>
${bars}
<line x1="${x(1)}" y1="${top}" x2="${x(1)}" y2="${height - 24}" stroke="#000" stroke-dasharray="4 3"/>
<text x="${x(1)}" y="${height - 10}" font-size="11" text-anchor="middle">goal</text>
<text x="${left}" y="${height - 10}" font-size="11">0</text>
<text x="${left + width}" y="${height - 10}" font-size="11" text-anchor="end">2× better</text>
</svg>
`;
}

/** 40 cells: a score of 1 fills the first 20, a score of 2 all of them. */
function textBar(score: number): string {
  const cells = Math.round(Math.min(Math.max(Number.isFinite(score) ? score : 0, 0), 2) * 20);
  return `${'█'.repeat(Math.min(cells, 20))}${cells > 20 ? '▓'.repeat(cells - 20) : ''}${' '.repeat(Math.max(0, 40 - cells))}`;
}

/** One line of a text chart: the label, its bar with `|` at 1, the value and a note. */
function textLine(label: string, score: number, value: string, note = ''): string {
  const bar = textBar(score);
  return `${label.slice(0, 70).padEnd(70)} ${bar.slice(0, 20)}|${bar.slice(20)} ${value}${note && ` ${note}`}`.trimEnd();
}

export const targetTextLine = (row: Target) => textLine(`${row.area}: ${row.what}`, row.score, fixed(row.score), row.met ? 'met' : 'NOT MET');

/** The contenders the scale charts draw, against the bare loop (1.0). */
const SCALE_SERIES = [
  { who: 'element', label: 'element, default UI', color: '#1565c0' },
  { who: 'headless', label: 'element, headless', color: '#2e7d32' },
  { who: 'uppy', label: 'Uppy 5', color: '#ef6c00' },
] as const;

/** Text chart of files/s ÷ the bare loop's, per contender and count; `|` is the bare loop. */
export function scaleTextChart(rows: ScaleSummary[]): string {
  const lines: string[] = [];
  for (const { who, label } of SCALE_SERIES) {
    for (const row of rows) {
      const note = row.stopped[who] ? '(stopped at the deadline)' : '';
      lines.push(textLine(`${label}, ${row.count.toLocaleString('en-US')} files`, row.vsXhr[who], `${fixed(row.vsXhr[who])}×`, note));
    }
  }
  return lines.join('\n');
}

/** Line chart: files/s ÷ the bare loop's (y) against the number of files (x, log scale). */
export function scaleChart(rows: ScaleSummary[], goal: number): string {
  const left = 60;
  const top = 40;
  const width = 420;
  const height = 240;
  const counts = rows.map((row) => row.count);
  const ratios = rows.flatMap((row) => SCALE_SERIES.map(({ who }) => row.vsXhr[who])).filter(Number.isFinite);
  const yMax = Math.max(1.2, Math.ceil(Math.max(0, ...ratios) * 5) / 5);
  const logs = counts.map(Math.log10);
  const [low, high] = [Math.min(...logs), Math.max(...logs)];
  const x = (count: number) => left + (high === low ? width / 2 : ((Math.log10(count) - low) / (high - low)) * width);
  const y = (ratio: number) => top + height - (Math.min(Math.max(ratio, 0), yMax) / yMax) * height;
  const gridLines: string[] = [];
  for (let step = 0; step * 0.2 <= yMax + 1e-9; step++) {
    const tick = step * 0.2;
    const at = y(tick).toFixed(1);
    gridLines.push(`<line x1="${left}" y1="${at}" x2="${left + width}" y2="${at}" stroke="#e0e0e0"/><text x="${left - 6}" y="${at}" font-size="11" text-anchor="end" dominant-baseline="middle">${tick.toFixed(1)}</text>`);
  }
  const xTicks = counts.map(
    (count) => `<text x="${x(count).toFixed(1)}" y="${top + height + 16}" font-size="11" text-anchor="middle">${count.toLocaleString('en-US')}</text>`,
  );
  const series = SCALE_SERIES.map(({ who, label, color }, i) => {
    const points = rows.filter((row) => Number.isFinite(row.vsXhr[who])).map((row) => `${x(row.count).toFixed(1)},${y(row.vsXhr[who]).toFixed(1)}`);
    const dots = points.map((point) => `<circle cx="${point.split(',')[0]}" cy="${point.split(',')[1]}" r="3" fill="${color}"/>`).join('');
    const legendY = top + 14 + i * 16;
    return (
      `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>${dots}` +
      `<rect x="${left + width + 16}" y="${legendY - 9}" width="10" height="10" fill="${color}"/><text x="${left + width + 32}" y="${legendY}" font-size="11">${escapeXml(label)}</text>`
    );
  });
  const legendBase = top + 14 + SCALE_SERIES.length * 16;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 190}" height="${top + height + 40}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" font-size="13" font-weight="bold">Scale: files/s ÷ the bare XHR loop's (same run), by number of files</text>
${gridLines.join('\n')}
${xTicks.join('\n')}
<line x1="${left}" y1="${y(1).toFixed(1)}" x2="${left + width}" y2="${y(1).toFixed(1)}" stroke="#000"/>
<line x1="${left}" y1="${y(goal).toFixed(1)}" x2="${left + width}" y2="${y(goal).toFixed(1)}" stroke="#000" stroke-dasharray="4 3"/>
${series.join('\n')}
<line x1="${left + width + 16}" y1="${legendBase - 4}" x2="${left + width + 26}" y2="${legendBase - 4}" stroke="#000"/><text x="${left + width + 32}" y="${legendBase}" font-size="11">bare XHR loop (1.0)</text>
<line x1="${left + width + 16}" y1="${legendBase + 12}" x2="${left + width + 26}" y2="${legendBase + 12}" stroke="#000" stroke-dasharray="4 3"/><text x="${left + width + 32}" y="${legendBase + 16}" font-size="11">goal for the element (${goal})</text>
<text x="${left + width / 2}" y="${top + height + 34}" font-size="11" text-anchor="middle">files listed (log scale)</text>
</svg>
`;
}
