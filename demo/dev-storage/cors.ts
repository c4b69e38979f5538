import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './s3-error.js';

// One allow-all rule, as on a bucket configured for browser uploads from any page. Never
// Allow-Credentials: S3 presigned POSTs carry their authority in the form, not in cookies.
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT'];
const EXPOSED_HEADERS = 'ETag, Location, x-amz-request-id';
const MAX_AGE_SECONDS = '3000';

/** On every response, errors and preflights included: without them a browser shows a failed upload as status 0. */
export function setCorsHeaders(response: ServerResponse): void {
  response.setHeader('Access-Control-Allow-Origin', '*');
  response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  // Resource Timing tells a request's wait for a connection from its exchange only with this (the bench's phases).
  response.setHeader('Timing-Allow-Origin', '*');
}

/** Answers an OPTIONS preflight with S3's headers; throws S3's errors for one it would refuse. */
export function answerPreflight(request: IncomingMessage, response: ServerResponse): void {
  if (!request.headers.origin) throw new S3Error(400, 'BadRequest', 'Insufficient information. Origin request header needed.');
  const method = request.headers['access-control-request-method'];
  if (!method) throw new S3Error(400, 'BadRequest', 'Insufficient information. Access-Control-Request-Method request header needed.');
  if (!ALLOWED_METHODS.includes(method)) {
    throw new S3Error(
      403,
      'AccessForbidden',
      // S3's own wording, typo included, so that anything matching on it matches here too.
      'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.',
      { Method: method, ResourceType: 'OBJECT' },
    );
  }
  response.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS.join(', '));
  const requestedHeaders = request.headers['access-control-request-headers'];
  if (requestedHeaders) response.setHeader('Access-Control-Allow-Headers', requestedHeaders);
  response.setHeader('Access-Control-Max-Age', MAX_AGE_SECONDS);
  // Chrome asks before a public page may reach a loopback address.
  if (request.headers['access-control-request-private-network'] === 'true') {
    response.setHeader('Access-Control-Allow-Private-Network', 'true');
  }
  response.setHeader('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
  response.writeHead(200, { 'Content-Length': '0' }).end();
}
