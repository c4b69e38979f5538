/** Extra child elements S3 adds to some errors (`<ProposedSize>`, `<BucketName>`...), in order. */
export type ErrorDetails = Readonly<Record<string, string | number>>;

/**
 * A refusal worded as S3 words it: HTTP status, S3 error code and message.
 * Thrown anywhere below the HTTP server and rendered once, as S3's `<Error>` XML.
 */
export class S3Error extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'S3Error';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** S3's answer to a POST that lacks a field it needs (it blames the field order, since later fields are ignored). */
export function missingPostField(name: string): S3Error {
  return new S3Error(
    400,
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    { ArgumentName: name, ArgumentValue: '' },
  );
}

/** 403 for any broken policy rule; S3 prefixes all of them the same way. */
export function policyViolation(reason: string): S3Error {
  return new S3Error(403, 'AccessDenied', `Invalid according to Policy: ${reason}`);
}

/** 400 for a policy document that cannot be read at all. */
export function invalidPolicy(reason: string): S3Error {
  return new S3Error(400, 'InvalidPolicyDocument', `Invalid Policy: ${reason}`);
}

/** 501 for a call or header this dev storage does not implement; `header` says which and what to send instead. */
export function notImplemented(header: string): S3Error {
  return new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: header });
}

/** 400 for a credential scope that cannot be used, worded as S3 words it for a presigned URL and a POST alike. */
export function credentialParameterError(reason: string): S3Error {
  return new S3Error(400, 'AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; ${reason}`);
}

/** The reason S3 gives for an `X-Amz-Credential` that does not have its five parts. */
export const MALFORMED_CREDENTIAL = 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';

/** 403 for a signature made with another secret or over other bytes; `details` as S3 adds them for that kind of request. */
export function signatureDoesNotMatch(details: ErrorDetails = {}): S3Error {
  return new S3Error(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    details,
  );
}
