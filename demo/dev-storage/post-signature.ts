import { missingPostField, S3Error } from './s3-error.js';
import { parseCredential, sign, signaturesMatch, signingKey, type SigningKeys } from './sigv4.js';

/**
 * Checks a browser POST's SigV4 fields: known access key, credential scoped to this region and
 * to s3, and the signature, an HMAC of the base64 policy text. Answers that policy text.
 * `values` are the form's fields by lowercase name.
 */
export function verifyPostSignature(values: ReadonlyMap<string, string>, keys: SigningKeys): string {
  const policyText = values.get('policy');
  const credential = values.get('x-amz-credential');
  const signature = values.get('x-amz-signature');
  if (policyText === undefined) {
    // An anonymous POST needs a public-write bucket, and this storage has none.
    if (credential === undefined && signature === undefined) throw new S3Error(403, 'AccessDenied', 'Access Denied');
    throw missingPostField('policy');
  }
  const algorithm = values.get('x-amz-algorithm');
  if (algorithm === undefined) throw missingPostField('x-amz-algorithm');
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw new S3Error(400, 'InvalidArgument', 'Only AWS4-HMAC-SHA256 POST policies are supported here.', {
      ArgumentName: 'x-amz-algorithm',
      ArgumentValue: algorithm,
    });
  }
  if (credential === undefined) throw missingPostField('x-amz-credential');
  if (signature === undefined) throw missingPostField('x-amz-signature');

  const scope = parseCredential(credential);
  const malformed = (reason: string) => new S3Error(400, 'AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; ${reason}`);
  if (!scope) throw malformed('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  const secret = keys.secretFor(scope.accessKeyId);
  if (secret === undefined) {
    throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: scope.accessKeyId,
    });
  }
  if (scope.region !== keys.region) throw malformed(`the region '${scope.region}' is wrong; expecting '${keys.region}'`);
  if (scope.service !== 's3') throw malformed(`incorrect service '${scope.service}'. This endpoint belongs to 's3'.`);

  if (!signaturesMatch(sign(signingKey(secret, scope), policyText), signature)) {
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return policyText;
}
