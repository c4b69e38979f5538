// The page's own JavaScript objects, from a heap snapshot: what state a removed file could leave
// behind. performance.memory cannot tell them from compiled code, which grows for a while as V8
// optimizes the element's functions (about 20 KiB per batch of 1,000 files here), nor does a
// snapshot's native part stay still: the DevTools session that drives the page keeps each
// request's data (about 1 KiB per file).
import type { Page } from 'playwright-core';

/** Bytes and count of the heap snapshot's nodes that are neither compiled code nor native objects. */
export interface JsObjects {
  bytes: number;
  count: number;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
}

const LEFT_OUT = new Set(['code', 'native']);

/** Takes a heap snapshot of `page` after two full GCs and sums its JavaScript objects. */
export async function jsObjects(page: Page): Promise<JsObjects> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const chunks: string[] = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const { snapshot, nodes } = JSON.parse(chunks.join('')) as Snapshot;
    const fields = snapshot.meta.node_fields;
    const [typeNames] = snapshot.meta.node_types;
    const [type, selfSize] = [fields.indexOf('type'), fields.indexOf('self_size')];
    const total = { bytes: 0, count: 0 };
    for (let node = 0; node < nodes.length; node += fields.length) {
      if (LEFT_OUT.has(typeNames[nodes[node + type]!]!)) continue;
      total.bytes += nodes[node + selfSize]!;
      total.count++;
    }
    return total;
  } finally {
    await cdp.detach();
  }
}
