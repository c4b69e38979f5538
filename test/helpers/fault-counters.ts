import type { TokenCounters } from './node/fault-proxy.js';
import { requireTestEnv } from './test-env.js';

let lastToken = 0;

/** A token of its own for each test: the fault proxy keeps its counters per token. */
export const newToken = (label: string): string => `${label}-${Date.now().toString(36)}-${++lastToken}`;

/** What the fault proxy saw for a token: requests, faults, objects and parts stored. */
export async function faultCounters(token: string): Promise<TokenCounters> {
  const proxy = await requireTestEnv('FAULT_PROXY_URL');
  return (await fetch(`${proxy}/counters?token=${encodeURIComponent(token)}`)).json() as Promise<TokenCounters>;
}
