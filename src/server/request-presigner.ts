import type { S3Client } from '@aws-sdk/client-s3';
import type { RequestPresigningArguments } from '@aws-sdk/types';
