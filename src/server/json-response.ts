// Every answer of the handlers goes through here, so they all share one content type and
// one cache policy: sign answers hold credentials-derived fields and must never be cached.
const HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } as const;

/** A JSON answer with `Cache-Control: no-store`. */
export function jsonResponse(status: number, data: unknown, headers?: Record<string, string>): Response {
  // JSON.stringify(undefined) is undefined: answer `null` rather than an empty body that is not JSON.
  return new Response(JSON.stringify(data ?? null), { status, headers: { ...HEADERS, ...headers } });
}

/** The one error shape of this package: `{ error: { code, message } }`. */
export function errorResponse(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  return jsonResponse(status, { error: { code, message } }, headers);
}

/** 405 with `Allow: POST`, for anything but POST. */
export function methodNotAllowed(method: string): Response {
  return errorResponse(405, 'MethodNotAllowed', `Use POST, not ${method}.`, { Allow: 'POST' });
}

/** 500 that says nothing about the cause: the details go to the server log, not to the browser. */
export function internalError(context: string, error: unknown): Response {
  console.error(`presigned-uploader/server: ${context}:`, error);
  return errorResponse(500, 'InternalError', 'Internal server error.');
}
