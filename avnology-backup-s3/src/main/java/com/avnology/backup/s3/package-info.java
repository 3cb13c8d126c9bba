/**
 * S3 and MinIO support: an S3 sink, buckets as backup targets, and a bucket mirror. This module is
 * not written yet; it exists so that the build's shape is settled. Until it lands, keep sets on a
 * {@link com.avnology.backup.FileSystemSink}.
 */
package com.avnology.backup.s3;
