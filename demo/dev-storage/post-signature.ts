import { credentialParameterError, MALFORMED_CREDENTIAL, missingPostField, S3Error, signatureDoesNotMatch } from './s3-error.js';
import { parseCredential, secretForScope, sign, signaturesMatch, signingKey, type SigningKeys } from './sigv4.js';

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
  if (!scope) throw credentialParameterError(MALFORMED_CREDENTIAL);
  const secret = secretForScope(scope, keys, credentialParameterError);
  if (scope.service !== 's3') throw credentialParameterError(`incorrect service '${scope.service}'. This endpoint belongs to 's3'.`);

  if (!signaturesMatch(sign(signingKey(secret, scope), policyText), signature)) throw signatureDoesNotMatch();
  return policyText;
}
