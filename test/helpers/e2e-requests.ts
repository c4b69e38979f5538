import { expect } from '@open-wc/testing';

let lastToken = 0;
/** A token no other test (nor an earlier run against the same storage) used. */
export const newToken = (label: string) => `${label}-${Date.now().toString(36)}-${++lastToken}`;

/** A JSON answer of the e2e backend or the fault proxy, which must be a 200. */
export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  expect(response.status, url).to.equal(200);
  return (await response.json()) as T;
}
