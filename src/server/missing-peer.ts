/**
 * An optional peer dependency that one feature needs is not installed. The handlers answer it
 * 500 `MissingDependency` and log one line naming the package, so the rest of the server entry
 * (and every other feature) keeps working without it.
 */
export class MissingPeer extends Error {
  readonly packageName: string;

  constructor(packageName: string, feature: string, cause: unknown) {
    super(`${feature} need the package ${packageName}, which is not installed: npm install ${packageName}`, { cause });
    this.name = 'MissingPeer';
    this.packageName = packageName;
  }
}

/**
 * Imports an optional peer on first use. Only a missing package itself becomes a MissingPeer;
 * a package that is there but fails to load is a different bug and keeps its own error. A failed
 * import is not remembered, so installing the package needs no more than a restart of whatever caches modules.
 */
export function optionalPeer<T>(packageName: string, feature: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw isNotInstalled(error, packageName) ? new MissingPeer(packageName, feature, error) : error;
    }));
}

function isNotInstalled(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(message).includes(packageName);
}
