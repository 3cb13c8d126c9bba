/**
 * Implementation of the S3 module: retries, error translation, multipart streams, tar encoding of
 * objects and mirror planning. Not API: anything here may change in any release; use {@code
 * com.avnology.backup.s3}.
 */
package com.avnology.backup.s3.internal;
