// What the servers started by web-test-runner.config.mjs (`servers`) told the
// browser tests: their URLs and credentials, served at /__test-env.json.

export type TestEnv = Readonly<Record<string, string>>;

let loaded: Promise<TestEnv> | undefined;

/** All values; fetched once per test file. */
export function testEnv(): Promise<TestEnv> {
  loaded ??= fetch('/__test-env.json').then(async (response) => {
    if (!response.ok) throw new Error(`/__test-env.json answered ${response.status}`);
    return (await response.json()) as TestEnv;
  });
  return loaded;
}

/** One value, or a clear error naming the server list to fix. */
export async function requireTestEnv(name: string): Promise<string> {
  const value = (await testEnv())[name];
  if (value === undefined) {
    throw new Error(`${name} is not in /__test-env.json: add the server that provides it to \`servers\` in web-test-runner.config.mjs`);
  }
  return value;
}
