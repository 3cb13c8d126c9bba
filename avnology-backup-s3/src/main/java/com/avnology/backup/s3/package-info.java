/**
 * S3 and MinIO: {@link com.avnology.backup.s3.S3Sink} keeps backup sets in a bucket, {@link
 * com.avnology.backup.s3.BucketTarget} backs a bucket up as one tar artifact and restores it, and
 * {@link com.avnology.backup.s3.BucketMirror} copies one bucket to another, across servers too.
 *
 * <p>Everything talks S3 through the MinIO Java SDK's public {@code MinioAsyncClient} (its
 * multipart calls are public API there); clients a caller hands in are never closed. Failures are
 * {@link com.avnology.backup.BackupException}s naming the bucket and the fix; secret keys never
 * appear in messages or {@code toString()}.
 */
package com.avnology.backup.s3;
