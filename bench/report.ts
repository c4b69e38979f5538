// BENCHMARKS.md and the charts from bench/results.json. A pure function of the results (no clock,
// no randomness), so `npm run bench -- --report` writes the same bytes from the same results.
import { fixed, measuredText, scaleChart, scaleTextChart, targetChart, targetTextLine, withUnit, type Target } from './charts.ts';
import type { BackendProtocol, ManyAtLatency, Phases, PhaseTimes, Results, Section } from './results.ts';
import { median } from './stats.ts';
import { manyRates, phaseMedians, scaleSummary, type ScaleSummary } from './summary.ts';

const mb = (bytes: number) => bytes / 1024 ** 2;
const bytes = (value: number) => value.toLocaleString('en-US');
const count = (value: number) => value.toLocaleString('en-US');
/** The big file's size as the report names it: `1 GiB`, `64 MiB`. */
const sizeLabel = (size: number) => (size >= 1024 ** 3 ? `${size / 1024 ** 3} GiB` : `${mb(size)} MiB`);
const runs = (values: number[]) => values.map((v) => fixed(v, 0)).join(', ');
/** The element's goal at 50 ms per exchange (files/s ÷ the bare loop's; issue 17). */
const LATENCY_GOAL = 1.7;
/** The element's goal in the scale scenario (files/s ÷ the bare loop's). */
const SCALE_GOAL = 0.95;

function target(area: string, what: string, measured: number, unit: string, sense: '>=' | '<=', goal: number): Target {
  const met = sense === '>=' ? measured >= goal : measured <= goal;
  // At or below zero an upper bound is met with all the room there is (a growth can be negative).
  const score = sense === '>=' ? measured / goal : measured <= 0 ? 2 : goal / measured;
  return { area, what, measured, unit, sense, goal, score, met };
}

/** What holds each target back when it is not met: read off the measurements below and the profiles taken while tuning. */
const LIMITS: Record<string, string | ((r: Results) => string)> = {
  Weight:
    'lit (about 6.0 KB of the file) and zod/mini (about 4.7 KB), both chosen by the stack, leave about 4.3 KB of the ' +
    "15 KB for our own code, which carries the full UI with three languages (issue 5), retries, the register journal, " +
    'PUT and multipart with resume (issue 7; about 2.4 KB). Meeting the budget needs dropping zod from the browser bundle ' +
    'or features. `npm test` (test/node/bundle-size.test.ts) holds both sizes under a ceiling until then.',
  'One big file':
    "The file goes through Chromium's network service in one XHR in both the element's and the bare-XHR case: the element " +
    'adds nothing per byte (its progress handler runs once per event, its renders once per frame). The round-to-round ' +
    'spread of the same contender (see the runs below) is larger than the gap: the storage writes to the same disk in ' +
    'the same Node process as the runner. curl sends from a native process without that IPC hop.',
  'Many files':
    'Rounds of one contender spread by 15 % or more, as wide as the gaps: full runs of nearly the same code have put the ' +
    'element at 0.79× to 1.01× the bare loop and headless at 0.77× to 1.16×. The page does more per file than the loop (it ' +
    'validates, journals the register call in localStorage, fires events and, with its UI, renders each frame while ' +
    'files move; headless asks for no frame): over 500 files, the renderer used 1.4–1.6× the CPU of the loop with the UI ' +
    'and 1.0–1.25× headless, plus 0.1–0.3 s in the GPU process with the UI and 0.1–0.2 s in the storage process (the journal). On this ' +
    '2-core machine the browser and the one Node process that serves backend, storage and proxies share the CPU, so that ' +
    'work delays the requests of every contender alike. The element also keeps more requests in flight (sign ahead, ' +
    "register outside the slots), so each of its exchanges takes longer than the loop's (see the phases): worth nothing " +
    'at 0 ms, much at 50 ms.',
  Latency: (r) =>
    'Register runs outside the upload slots, files are signed ahead while no slot signs for itself, and a freed slot ' +
    'waits for a plan already on its way instead of signing anew (issue 17). Over HTTP/1.1 the 6 connections to the ' +
    'backend cap any client that signs and registers each file.' +
    http1Bound(r),
  Memory:
    'The heap left after the 500 files varies from run to run (0.2 to 2.1 MiB above its start has been seen). ' +
    'test/e2e/soak.test.ts proves with WeakRefs that the element and every File it held are collected, so the rest is ' +
    "not the uploader's objects. Heap snapshots of the removed batches (Scale) show what it is: the page's own objects " +
    "stay flat from batch to batch while V8's compiled code grows by about 20 KiB per 1,000 files as it optimizes.",
  'Main thread':
    'Renders come at most once per frame, the list is virtual and `addFiles` works in 8 ms slices (issue 11). Long tasks ' +
    'measured here were traced (a CDP trace beside the `longtask` observer): their CPU time was 1 to 17 ms, the rest of ' +
    'their wall time the main thread waiting for a core that the browser, the storage and the runner share.',
  Scale: (r) => {
    const ratios = scaleRows(r)
      .map((row) => `${fixed(row.vsXhr.element)}× at ${row.count.toLocaleString('en')}`)
      .join(', ');
    return (
      'The cost per event does not grow with the list: the shadow DOM and the renders per frame stay flat, heap per file ' +
      `is under 1 KiB, and the element's rate against the bare loop does not fall as the list grows (${ratios}). ` +
      "Below 0.95× it is where a run lasts a second or two, and the spread between rounds is as wide as the gap. " +
      'Long tasks at 10,000 files: traced beside the `longtask` observer, each used 1 to 17 ms of CPU; the rest of its ' +
      'wall time the main thread waited for a core that the browser, the storage and the runner share.'
    );
  },
};

function limit(area: string, r: Results): string {
  const text = LIMITS[area] ?? 'not analysed yet.';
  return typeof text === 'string' ? text : text(r);
}

/**
 * The most a client making one sign and one register call per file to one HTTP/1.1 host can do, from
 * the bare loop's own exchange times at 50 ms: the 6 connections serve at most 6 / (sign + register)
 * files/s, the loop's 6 workers do 6 / (sign + POST + register), so the ratio is at most
 * 1 + POST / (sign + register).
 */
function http1Bound(r: Results): string {
  const slow = atLatency(r, 50);
  if (!slow) return '';
  const p = phaseMedians(slow.phases.xhr);
  // The exchange alone (requestStart to responseEnd) where the results have it: the loop never waits for a connection anyway.
  const times = Number.isFinite(p.exchange.sign + p.exchange.upload + p.exchange.register) ? p.exchange : p;
  const bound = 1 + times.upload / (times.sign + times.register);
  const measured = manyRates(slow).vsXhr.element;
  return (
    ` From this run's bare-loop exchanges at 50 ms (sign ${fixed(times.sign, 0)} ms, POST ${fixed(times.upload, 0)} ms, ` +
    `register ${fixed(times.register, 0)} ms), HTTP/1.1 allows at most 1 + POST / (sign + register) = ` +
    `**${fixed(bound)}×** the bare loop; the element measured **${fixed(measured)}×**.` +
    http2Outcome(r)
  );
}

/** What the element reached with the backend over HTTP/2, which lifts the 6-connection cap, against HTTP/1.1 at the same latency. */
function http2Outcome(r: Results): string {
  const [h1, h2] = [atLatency(r, 50), atLatency(r, 50, 'h2')];
  if (!h1 || !h2) return '';
  const { vsXhr } = manyRates(h2);
  const [p1, p2] = [phaseMedians(h1.phases.element), phaseMedians(h2.phases.element)];
  const waits = (p: Required<Phases>) => `${fixed(p.wait.sign, 0)} and ${fixed(p.wait.register, 0)} ms`;
  const loop = phaseMedians(h2.phases.xhr);
  const exchanges = `sign ${fixed(p2.exchange.sign, 0)}, POST ${fixed(p2.exchange.upload, 0)}, register ${fixed(p2.exchange.register, 0)} ms against the loop's ${fixed(loop.exchange.sign, 0)}, ${fixed(loop.exchange.upload, 0)} and ${fixed(loop.exchange.register, 0)} ms`;
  const goal =
    vsXhr.element >= LATENCY_GOAL
      ? `, meeting the ${LATENCY_GOAL}× goal`
      : `. Under ${LATENCY_GOAL}× there, its own exchanges took longer (${exchanges}): with several times the exchanges in ` +
        'flight, the one Node process that serves backend, storage and proxies on 2 cores shared with the browser answers each later';
  return (
    ` With the backend over HTTP/2 (one connection, no cap on the exchanges in flight), the element's sign and register ` +
    `waited ${waits(p2)} for a connection (HTTP/1.1: ${waits(p1)}), ${fixed(p2.backendBusy, 1)} backend exchanges were in ` +
    `progress on average (HTTP/1.1: ${fixed(p1.backendBusy, 1)} connections busy of 6), and it measured ` +
    `**${fixed(vsXhr.element)}×** the bare loop and ${fixed(vsXhr.element / vsXhr.uppy)}× Uppy 5${goal}.`
  );
}

function notMet(rows: Target[], r: Results): string {
  const areas = [...new Set(rows.filter((row) => !row.met).map((row) => row.area))];
  if (areas.length === 0) return '';
  return `
## Not met yet, and what limits them

${areas.map((area) => `- **${area}**: ${limit(area, r)}`).join('\n')}
`;
}

/** How the page reached the backend in a many-files entry: results from before it was recorded ran over HTTP/1.1. */
const protocolOf = (m: ManyAtLatency): BackendProtocol => m.protocol ?? 'http/1.1';
const atLatency = (r: Results, ms: number, protocol: BackendProtocol = 'http/1.1') =>
  r.many?.byLatency.find((entry) => entry.latencyMs === ms && protocolOf(entry) === protocol);
const scaleRows = (r: Results): ScaleSummary[] => r.scale?.rows.map(scaleSummary) ?? [];

/** The worst value over the counts, and the count it was seen at. */
function worstOver(rows: ScaleSummary[], pick: (row: ScaleSummary) => number, sense: '>=' | '<='): { value: number; at: number } {
  let found = { value: NaN, at: 0 };
  for (const row of rows) {
    const value = pick(row);
    const worse = Number.isNaN(found.value) || (sense === '>=' ? value < found.value : value > found.value);
    if (worse) found = { value, at: row.count };
  }
  return found;
}

function targets(r: Results): Target[] {
  const rows: Target[] = [];
  if (r.weight) {
    rows.push(target('Weight', 'standalone file, gzip -9', r.weight.sizes.standalone.gzip, 'B', '<=', 15000));
    rows.push(target('Weight', 'own code without lit (src/ only, minified), gzip -9', r.weight.sizes.ownSrc.gzip, 'B', '<=', 7000));
  }
  if (r.big) {
    const gib = sizeLabel(r.big.config.bytes);
    const [curl, xhr, element] = [median(r.big.curl), median(r.big.xhr), median(r.big.element)];
    rows.push(target('One big file', `${gib}: element throughput / curl -F throughput`, curl / element, '×', '>=', 0.95));
    rows.push(target('One big file', `${gib}: element throughput / bare XHR throughput`, xhr / element, '×', '>=', 0.95));
    rows.push(target('One big file', `${gib}: element's longest task while it uploads (worst round)`, Math.max(0, ...r.big.longTasks.element.map((t) => t.longestTask)), 'ms', '<=', 50));
    rows.push(target('Memory', `JS heap growth while ${gib} uploads (peak − start)`, mb(Math.max(...r.big.heapElement)), 'MiB', '<=', 8));
  }
  const plain = r.many && atLatency(r, 0);
  if (plain) {
    const { vsXhr } = manyRates(plain);
    const label = `${plain.count} × ${r.many!.config.size / 1024} KiB`;
    rows.push(target('Many files', `${label}: element files/s ÷ bare-XHR loop's`, vsXhr.element, '×', '>=', 0.95));
    rows.push(target('Many files', `${label}: headless element files/s ÷ bare-XHR loop's`, vsXhr.headless, '×', '>=', 1));
    rows.push(target('Many files', `${label}: element files/s ÷ Uppy 5's`, vsXhr.element / vsXhr.uppy, '×', '>=', 1.05));
    rows.push(target('Many files', `${label}: headless element files/s ÷ Uppy 5's (no UI on either side)`, vsXhr.headless / vsXhr.uppy, '×', '>=', 1.05));
    const lastHeap = plain.heap.at(-1) ?? {};
    rows.push(target('Memory', `JS heap after ${plain.count} files, element removed, vs before (after GC)`, mb(lastHeap.heapAfterRemoved ?? NaN), 'MiB', '<=', 1));
  }
  const slow = r.many && atLatency(r, 50);
  if (slow) {
    const { vsXhr } = manyRates(slow);
    const label = `50 ms per exchange, ${slow.count} × ${r.many!.config.size / 1024} KiB`;
    rows.push(target('Latency', `${label}: element files/s ÷ bare loop's`, vsXhr.element, '×', '>=', LATENCY_GOAL));
    rows.push(target('Latency', `${label}: element files/s ÷ Uppy 5's`, vsXhr.element / vsXhr.uppy, '×', '>=', 1.25));
  }
  const h2 = r.many && atLatency(r, 50, 'h2');
  if (h2) {
    const { vsXhr } = manyRates(h2);
    // Shorter than the rows above, so that the charts' cut labels still tell the two apart.
    const label = `backend over HTTP/2, 50 ms, ${h2.count} files`;
    rows.push(target('Latency', `${label}: element ÷ bare loop (files/s)`, vsXhr.element, '×', '>=', LATENCY_GOAL));
    rows.push(target('Latency', `${label}: element ÷ Uppy 5 (files/s)`, vsXhr.element / vsXhr.uppy, '×', '>=', 1.25));
  }
  if (r.mainThread) {
    const m = r.mainThread;
    rows.push(target('Main thread', `${m.config.queued} files queued: longest task`, m.longestTask, 'ms', '<=', 50));
    rows.push(target('Main thread', `${m.config.queued} files: upload-progress events per file per frame (max)`, m.maxProgressPerFilePerFrame, '', '<=', 1));
    rows.push(target('Main thread', `${m.config.queued} files: element renders per animation frame (max, all causes)`, m.maxRendersPerFrame, '', '<=', 1));
  }
  const scale = scaleRows(r);
  if (scale.length > 0) {
    const ratio = (what: string, pick: (row: ScaleSummary) => number, goal: number) => {
      const { value, at } = worstOver(scale, pick, '>=');
      rows.push(target('Scale', `${what}, worst n (${count(at)})`, value, '×', '>=', goal));
    };
    ratio("element files/s ÷ bare-XHR loop's", (row) => row.vsXhr.element, SCALE_GOAL);
    ratio("headless files/s ÷ bare-XHR loop's", (row) => row.vsXhr.headless, 1);
    ratio("element files/s ÷ Uppy 5's", (row) => row.vsXhr.element / row.vsXhr.uppy, 1.05);
    ratio("headless files/s ÷ Uppy 5's", (row) => row.vsXhr.headless / row.vsXhr.uppy, 1.05);
    const longest = worstOver(scale, (row) => row.longTasks.element, '<=');
    rows.push(target('Scale', `element: long tasks from addFiles to the last event, worst n (${count(longest.at)})`, longest.value, '', '<=', 0));
    const renders = worstOver(scale, (row) => row.maxRendersPerFrame.element ?? NaN, '<=');
    rows.push(target('Scale', `element: renders per animation frame (max), worst n (${count(renders.at)})`, renders.value, '', '<=', 1));
    const [first, last] = [scale[0]!, scale.at(-1)!];
    rows.push(
      target('Scale', `shadow-root nodes at ${count(last.count)} files ÷ at ${count(first.count)}`, (last.peakNodes.element ?? NaN) / (first.peakNodes.element ?? NaN), '×', '<=', 2),
    );
    rows.push(target('Scale', `heap per listed file at ${count(last.count)} files (after GC, File objects excluded)`, last.heapPerFile.element, 'B', '<=', 1024));
  }
  const removed = r.scale?.removed;
  if (removed?.bytes?.length) {
    // "No growth": less than one object per file (the smallest takes 12 B or more). Between batches
    // the page's objects moved by about 0.5 B per file; an id kept for every uploaded file, before
    // it was dropped (upload-controller.ts), cost about 65 B.
    const growth = removed.bytes.at(-1)! / removed.bytes.length / removed.count;
    const label = `JS objects left per removed file, ${removed.bytes.length} batches of ${count(removed.count)} files each removed with removeFile() (heap snapshot)`;
    rows.push(target('Memory', label, growth, 'B', '<=', 4));
  }
  return rows;
}

/** The SVG files under bench/, by name. */
export function renderCharts(r: Results): Record<string, string> {
  const charts: Record<string, string> = { 'chart.svg': targetChart(targets(r)) };
  const scale = scaleRows(r);
  if (scale.length > 0) charts['scale-chart.svg'] = scaleChart(scale, SCALE_GOAL);
  return charts;
}

const when = (section: Section) =>
  `${section.date.slice(0, 16).replace('T', ' ')} UTC, ${section.seconds} s${section.quick ? ', **quick run: small sizes, one round; not the issues\' sizes**' : ''}`;

function machineSection(r: Results): string {
  const { machine } = r;
  return `## Machine

| | |
|---|---|
| CPU | ${machine.cpu} |
| cores | ${machine.cores} |
| RAM | ${machine.ramGiB} GiB |
| OS | ${machine.os} |
| Node | ${machine.node} |
| Chromium | ${machine.chromium} (headless, playwright-core) |
${machine.load ? `| load average (1 min) at the start and end of the run | ${machine.load.start}, ${machine.load.end}${machine.load.start > machine.cores || machine.load.end > machine.cores ? ' (**above the core count: other work competed for the CPU; expect a wide spread**)' : ''} |\n` : ''}
Storage: the embedded dev storage (demo/dev-storage: busboy, SigV4 policy checks, objects written
to a temp folder) behind the demo backend (demo/backend: \`POST /api/sign\` AWS SDK shape,
\`POST /api/register\` with HeadObject), all on 127.0.0.1, in the same Node process as the runner.
The page is built by Vite (production) from src/presigned-uploader.ts and calls the backend
cross-origin (CORS), as a site calls its bucket.
`;
}

function weightSection(r: Results): string {
  if (!r.weight) return '';
  const { sizes } = r.weight;
  return `
## Weight

Run ${when(r.weight)}. \`npm run build\`, then gzip -9 (zlib) of the files.

| file | bytes | gzip -9 |
|---|---:|---:|
| dist/presigned-uploader.standalone.js (lit + zod inside, minified) | ${bytes(sizes.standalone.raw)} | ${bytes(sizes.standalone.gzip)} |
| own code: the standalone's src/ bytes only (minified) | ${bytes(sizes.ownSrc.raw)} | ${bytes(sizes.ownSrc.gzip)} |
| own code + zod: the standalone without lit (minified) | ${bytes(sizes.ownWithZod.raw)} | ${bytes(sizes.ownWithZod.gzip)} |
| npm library build as published (${sizes.library.files.join(', ')}; code unminified, Lit templates minified, lit and zod left as imports) | ${bytes(sizes.library.raw)} | ${bytes(sizes.library.gzip)} |

For scale (from the issue): Dropzone JS + CSS about 13,400 B gzip; Uppy with its dashboard about 96,000 B gzip.

By module, from the standalone file's source map (each minified character goes to the source
its mapping names; the lines of a multi-line template go to the template's source). "gzip alone"
compresses the module's bytes by themselves; "share" splits the file's real gzip size in the
same proportions. \`element\` is src/*.ts at the top level (element, controller, events,
define); \`styles\` is src/presigned-uploader.styles.ts; \`unmapped\` is bundler glue.

| module | minified bytes | gzip alone | share of ${bytes(sizes.standalone.gzip)} |
|---|---:|---:|---:|
${sizes.groups.map((g) => `| ${g.group} | ${bytes(g.raw)} | ${bytes(g.gzipAlone)} | ${bytes(g.gzipShare)} |`).join('\n')}
`;
}

function bigSection(r: Results): string {
  if (!r.big) return '';
  const big = r.big;
  const [curl, xhr, element] = [median(big.curl), median(big.xhr), median(big.element)];
  const throughput = (ms: number) => `${fixed(big.config.bytes / 1024 ** 2 / (ms / 1000), 0)} MiB/s`;
  const tasks = (list: Array<{ longTasks: number; longestTask: number }>) =>
    list.map((t) => `${t.longTasks} (longest ${fixed(t.longestTask, 0)} ms)`).join(', ');
  return `
## One big file

Run ${when(big)}. A ${sizeLabel(big.config.bytes)} file written to a temp folder and given to the page through a real \`<input type=file>\`
(playwright \`setInputFiles\`), so the browser streams it from disk. ${big.config.rounds} round(s), each: curl, bare XHR, element; the
ratio uses the medians.

- **curl**: \`curl -F\` of the signed fields (\`--form-string\`) and \`file=@path\` to a presigned POST
  the backend signed for Node; curl's own \`time_total\` (the POST only).
- **bare XHR**: in the page, sign (fetch), one \`XMLHttpRequest\` POST of a FormData (fields, then the file), with an
  \`xhr.upload\` progress listener as the element has (so the same CORS preflight), register (fetch).
- **element**: \`addFiles(input.files)\` to \`upload-complete\` (sign, POST, register), default UI, \`concurrency\` 1.

| | runs (ms) | median | throughput | element throughput ÷ this |
|---|---|---:|---:|---:|
| curl -F | ${runs(big.curl)} | ${fixed(curl, 0)} | ${throughput(curl)} | ${fixed(curl / element)} |
| bare XHR | ${runs(big.xhr)} | ${fixed(xhr, 0)} | ${throughput(xhr)} | ${fixed(xhr / element)} |
| element | ${runs(big.element)} | ${fixed(element, 0)} | ${throughput(element)} | 1.00 |

Long tasks while the file uploads (\`PerformanceObserver\` \`longtask\`, start to \`upload-complete\`), per round:
element ${tasks(big.longTasks.element)}; bare XHR ${tasks(big.longTasks.xhr)}.

JS heap growth while the big file uploads (\`performance.memory.usedJSHeapSize\` with
\`--enable-precise-memory-info\`, sampled every 50 ms; peak minus the value after a forced GC just before):
element ${big.heapElement.map((v) => fixed(mb(v))).join(', ')} MiB; bare XHR ${big.heapXhr.map((v) => fixed(mb(v))).join(', ')} MiB.
`;
}

function manyTable(m: ManyAtLatency): string {
  const { rate, vsXhr } = manyRates(m);
  const row = (label: string, who: 'xhr' | 'uppy' | 'element' | 'headless', note: string) =>
    `| ${label} | ${runs(m[who])} | ${fixed(median(m[who]), 0)} | ${fixed(rate[who], 0)} | ${fixed(vsXhr[who])} | ${note} |`;
  return `| | runs (ms) | median | files/s | ÷ bare loop | |
|---|---|---:|---:|---:|---|
${row('bare XHR loop', 'xhr', '')}
${row('Uppy 5', 'uppy', '')}
${row('element', 'element', `÷ Uppy: ${fixed(vsXhr.element / vsXhr.uppy)}`)}
${row('element, `headless`', 'headless', `÷ Uppy: ${fixed(vsXhr.headless / vsXhr.uppy)}`)}`;
}

function phaseTable(m: ManyAtLatency): string {
  const names = { xhr: 'bare XHR loop', uppy: 'Uppy 5', element: 'element', headless: 'element, `headless`' } as const;
  const lines = (Object.keys(names) as Array<keyof typeof names>).map((who) => {
    const p = phaseMedians(m.phases[who]);
    // wait / exchange / total; the total alone for results from before the split was measured.
    const cell = (phase: keyof PhaseTimes) =>
      Number.isFinite(p.wait[phase]) ? `${fixed(p.wait[phase], 0)} / ${fixed(p.exchange[phase], 0)} / ${fixed(p[phase], 0)}` : fixed(p[phase], 0);
    return `| ${names[who]} | ${cell('sign')} | ${cell('upload')} | ${cell('register')} | ${fixed(p.backendBusy, 1)} | ${fixed(p.maxFilesInFlight, 0)} | ${fixed(p.maxUploadsInFlight, 0)} | ${fixed(p.exchanges, 0)} |`;
  });
  const busy = protocolOf(m) === 'h2' ? 'backend exchanges in progress (mean)' : 'backend connections busy (mean, of 6)';
  return `| | sign (ms) | storage POST (ms) | register (ms) | ${busy} | most files in flight | most POSTs in flight | exchanges |
|---|---:|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}`;
}

function manySection(r: Results): string {
  if (!r.many) return '';
  const { config, byLatency } = r.many;
  const parts = byLatency.map((m) => {
    const heap =
      m.latencyMs === 0
        ? `
Heap around the element's runs (after forced GC, relative to just before each run), MiB:

| round | peak growth | after, element still listing the files | after, element removed |
|---|---:|---:|---:|
${m.heap.map((h, i) => `| ${i + 1} | ${fixed(mb(h.heapPeakGrowth!))} | ${fixed(mb(h.heapAfterWithElement!))} | ${fixed(mb(h.heapAfterRemoved!))} |`).join('\n')}
`
        : `
The proxies saw ${m.preflights.backend} CORS preflight(s) to the backend and ${m.preflights.storage} to the storage, each delayed too
(browsers cache preflights: \`Access-Control-Max-Age\`).
`;
    const over = protocolOf(m) === 'h2' ? ', backend over HTTP/2' : '';
    return `
### ${m.latencyMs} ms per exchange${over}: ${m.count} files

${manyTable(m)}

Per-file phases (medians over rounds of each run's median), ms, from Resource Timing: **wait** for a connection
(\`startTime\` to \`requestStart\`; a CORS preflight falls in it too) / **exchange** (\`requestStart\` to \`responseEnd\`) / **total**.
Backend busy: the sign and register exchanges in progress, time-weighted over the run (first start to last answer).

${phaseTable(m)}
${heap}`;
  });
  return `
## Many files

Run ${when(r.many)}. In-memory files of ${config.size / 1024} KiB, \`concurrency\` ${config.concurrency}, each signed, POSTed and registered.
${config.rounds} round(s) per latency, the order rotated each round; ratios use the medians and are taken within one latency.
A warm-up of 20 files each ran first (12 more through the proxies at each latency above 0).

- **bare XHR loop**: ${config.concurrency} async workers, each: sign (fetch), XHR POST, register (fetch).
- **Uppy 5**: \`@uppy/core\` + \`@uppy/aws-s3\` (\`shouldUseMultipart: false\`, \`limit: ${config.concurrency}\`,
  \`getUploadParameters\` asks /api/sign); Uppy has no register step, so each file registers
  (fetch) on \`upload-success\`, outside Uppy's limit; the time ends when every register answered.
- **element**: a fresh \`<presigned-uploader concurrency="${config.concurrency}" multiple>\` with the default UI, \`addFiles\` to the last \`upload-complete\`.
- **element, \`headless\`**: the same without UI, as Uppy's core has none: the like-for-like comparison.

**Latency** (\`npm run bench -- --latency 0,50,50h2\`): above 0 ms, every HTTP exchange the page makes, CORS preflights
included, waits that long in a delaying proxy on 127.0.0.1 before it is forwarded (test/helpers/node/fault-proxy.ts,
scenario \`latency-MS\`, connections kept alive): one in front of the dev storage, one in front of a second demo backend
whose sign answers point the browser at the storage proxy; the backend's own HeadObject goes straight to storage.
Not Chromium's network emulation: it does not delay preflights and treats latency as a floor, not an addition.
At 0 ms there is no proxy: the same set-up as the other scenarios. These runs reach the backend over HTTP/1.1,
where Chromium opens at most 6 connections per host.

**Backend over HTTP/2** (\`50h2\`): the same, but the page reaches the second demo backend through an HTTP/2 front
(bench/h2-front.ts: \`node:http2\` over TLS with a self-signed certificate for 127.0.0.1 made by \`openssl\` at start,
Chromium started with \`--ignore-certificate-errors\`) that holds each request, preflights included, as long and
forwards it over kept-alive HTTP/1.1 connections; the storage stays behind its HTTP/1.1 proxy. One connection carries
every sign and register exchange, with no cap of 6. The runner checks in the page that each of them came over \`h2\`
(\`PerformanceResourceTiming.nextHopProtocol\`).
${parts.join('')}
Page heap (after GC) at the start of the scenario ${fixed(mb(r.many.heap.atStart))} MiB, at its end ${fixed(mb(r.many.heap.atEnd))} MiB.
`;
}

function mainThreadSection(r: Results): string {
  if (!r.mainThread) return '';
  const m = r.mainThread;
  return `
## Main thread

Run ${when(m)}. ${m.config.queued} in-memory files of ${m.config.size / 1024} KiB added at once (\`addFiles\`) to an element with \`concurrency\` ${m.config.concurrency}, default UI,
until the last \`upload-complete\` (${fixed(m.ms, 0)} ms, ${m.frames} animation frames).
Long tasks from a \`PerformanceObserver\` (\`longtask\`); renders counted by wrapping the element's
\`update()\`, per animation frame (a \`requestAnimationFrame\` counter); \`upload-progress\` events per file per frame.

| | |
|---|---:|
| long tasks (> 50 ms, as the API reports them) | ${m.longTasks} |
| longest task | ${fixed(m.longestTask, 0)} ms |
| element renders | ${m.renders} |
| most renders in one frame (any cause: progress, status changes) | ${m.maxRendersPerFrame} |
| \`upload-progress\` events | ${m.progressEvents} |
| most \`upload-progress\` events for one file in one frame | ${m.maxProgressPerFilePerFrame} |
`;
}

function scaleSection(r: Results): string {
  if (!r.scale) return '';
  const { config } = r.scale;
  const rows = scaleRows(r);
  const names = { xhr: 'bare XHR loop', uppy: 'Uppy 5', element: 'element', headless: 'element, `headless`' } as const;
  const optional = (value: number | null) => (value === null ? '' : count(value));
  const table = rows
    .flatMap((row) =>
      (Object.keys(names) as Array<keyof typeof names>).map((who) => {
        const stopped = row.stopped[who] ? ' (stopped)' : '';
        return `| ${count(row.count)} | ${names[who]} | ${fixed(row.rate[who], 0)}${stopped} | ${fixed(row.vsXhr[who])} | ${row.longTasks[who]} | ${fixed(row.longestTask[who], 0)} | ${optional(row.maxRendersPerFrame[who])} | ${optional(row.peakNodes[who])} | ${fixed(row.heapPerFile[who], 0)} |`;
      }),
    )
    .join('\n');
  const rounds = config.counts.map((n, i) => `${count(n)}: ${config.rounds[i] ?? 1}`).join(', ');
  return `
## Scale

Run ${when(r.scale)}. ${config.counts.map(count).join(', ')} in-memory files of ${config.size / 1024} KiB, \`concurrency\` ${config.concurrency}, each
signed, POSTed and registered, through the four contenders of *Many files* in one run. Rounds per count: ${rounds};
the order rotated each round; rates are medians over rounds, ratios are ÷ the bare loop's rate at the same count.
A run still going after ${config.deadlineMs / 1000} s is stopped (the element and Uppy are cancelled, the loop starts no new file)
and its rate counts the files it finished: "(stopped)" marks an upper bound, since those runs slow down as the list grows.

- **long tasks**: \`PerformanceObserver\` \`longtask\` from \`addFiles\` to the last event (worst round).
- **renders per frame**: the element's \`update()\` wrapped, counted per \`requestAnimationFrame\` (worst round).
- **shadow-root nodes**: every node (elements, text, comments) under \`el.shadowRoot\`, counted each animation frame
  while counting is cheap and less often as the tree grows (at most 2 % of the time), and once after the last event; the peak.
- **heap per file**: \`usedJSHeapSize\` after two forced GCs with the contender still listing the files, minus the
  same before the run with the File objects already made (so they are not counted), ÷ the count. The bare loop
  keeps no list: its figure shows the noise.
${removedText(r.scale.removed)}

| files | contender | files/s | ÷ bare loop | long tasks | longest (ms) | renders per frame (max) | shadow-root nodes (peak) | heap per file (B) |
|---:|---|---:|---:|---:|---:|---:|---:|---:|
${table}

![files/s ÷ bare loop against the number of files](bench/scale-chart.svg)

Text chart (files/s ÷ the bare XHR loop's; \`|\` at 20 cells is the bare loop):

\`\`\`
${scaleTextChart(rows)}
\`\`\`
`;
}

function removedText(removed: { count: number; bytes?: number[]; objects?: number[] } | undefined): string {
  if (!removed?.bytes || !removed.objects) return '';
  const after = removed.bytes.map((bytes, i) => `${count(bytes)} B (${count(removed.objects![i]!)} objects)`).join(', ');
  return `- **removed batches**: one element with its default UI takes ${removed.bytes.length} batches of ${count(removed.count)} files in turn, after one
  more that warms up its code; each batch is uploaded, then every file of it is taken out with \`removeFile()\`. The page's JavaScript
  objects once each batch is gone, minus after the warm-up: ${after}. They come from a heap snapshot after GC, without compiled code
  (V8 optimizes for a while, about 20 KiB a batch) and native objects (the DevTools session keeps each request's data): state that a
  removed file leaves behind grows them from batch to batch.`;
}

export function renderReport(r: Results): string {
  const rows = targets(r);
  const sections = (
    [
      ['weight', r.weight],
      ['big', r.big],
      ['many', r.many],
      ['main-thread', r.mainThread],
      ['scale', r.scale],
    ] as const
  ).filter(([, section]) => section);
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) from bench/results.json; \`npm run bench -- --report\` writes it again
from that file alone. \`--only scale\` (or \`weight\`, \`big\`, \`many\`, \`main-thread\`, comma-separated) re-runs
some scenarios and keeps the others' last results; each section says when it ran:
${sections.map(([name, section]) => `${name} ${section!.date.slice(0, 16).replace('T', ' ')} UTC (${section!.seconds} s${section!.quick ? ', quick' : ''})`).join('; ')}.

Every timing is a ratio against a baseline measured in the same run, in the same browser,
against the same storage; absolute times are listed only to show the spread between rounds.

${machineSection(r)}
## Targets

| area | measure | measured | goal | met |
|---|---|---:|---:|:---:|
${rows.map((row) => `| ${row.area} | ${row.what} | ${measuredText(row)} | ${row.sense} ${withUnit(String(row.goal), row.unit)} | ${row.met ? 'met' : '**not met**'} |`).join('\n')}

![measured against each goal](bench/chart.svg)

Text chart (the measure relative to its goal; \`|\` at 20 cells is the goal, longer is better):

\`\`\`
${rows.map(targetTextLine).join('\n')}
\`\`\`
${notMet(rows, r)}${weightSection(r)}${bigSection(r)}${manySection(r)}${mainThreadSection(r)}${scaleSection(r)}`;
}
