/**
 * avnology-backup for S3 and MinIO: the S3 sink, the bucket target and the bucket mirror.
 *
 * <p>Only {@code com.avnology.backup.s3} is exported; its {@code internal} package is not.
 */
module com.avnology.backup.s3 {
  exports com.avnology.backup.s3;

  requires transitive com.avnology.backup;
  // the builders take a MinioAsyncClient
  requires transitive minio;
  requires okhttp3;
  requires kotlin.stdlib;
  requires org.apache.commons.compress;
  requires org.slf4j;
}
