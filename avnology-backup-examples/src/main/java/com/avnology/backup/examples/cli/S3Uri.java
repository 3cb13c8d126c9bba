package com.avnology.backup.examples.cli;

import com.avnology.backup.s3.S3Credentials;
import io.minio.MinioClient;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code s3://bucket/prefix?endpoint=http://host:port[&region=r]}, with credentials from
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (never from the command line).
 *
 * @param bucket the bucket
 * @param prefix the key prefix, "" for none
 * @param endpoint the S3 endpoint
 * @param region the region
 */
record S3Uri(String bucket, String prefix, URI endpoint, String region) {
  static boolean is(String uri) {
    return uri.startsWith("s3://");
  }

  static S3Uri parse(String text) {
    URI uri = URI.create(text);
    String bucket = uri.getHost();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException(
          "no bucket in '" + text + "': use s3://bucket/prefix?endpoint=http://host:port");
    }
    String prefix = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    String endpoint = null;
    String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
        switch (kv[0]) {
          case "endpoint" -> endpoint = value;
          case "region" -> region = value;
          default ->
              throw new IllegalArgumentException(
                  "unknown parameter '"
                      + kv[0]
                      + "' in '"
                      + text
                      + "': s3 URIs take endpoint and region");
        }
      }
    }
    if (endpoint == null) {
      endpoint = System.getenv().getOrDefault("AWS_ENDPOINT_URL", "https://s3.amazonaws.com");
    }
    return new S3Uri(bucket, prefix, URI.create(endpoint), region);
  }

  /** The environment, or the AWS SDK's system properties (for embedding and tests). */
  private static String setting(String env, String property) {
    String value = System.getenv(env);
    return value != null ? value : System.getProperty(property);
  }

  static S3Credentials credentials() {
    String access = setting("AWS_ACCESS_KEY_ID", "aws.accessKeyId");
    String secret = setting("AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey");
    if (access == null || secret == null) {
      throw new IllegalArgumentException(
          "S3 credentials missing: set AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY in the environment");
    }
    return S3Credentials.of(access, secret);
  }

  MinioClient client() {
    String access = setting("AWS_ACCESS_KEY_ID", "aws.accessKeyId");
    String secret = setting("AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey");
    credentials();
    return MinioClient.builder()
        .endpoint(endpoint.toString())
        .region(region)
        .credentials(access, secret)
        .build();
  }

  /** {@return an asynchronous client, what the library's S3 builders take} */
  io.minio.MinioAsyncClient async() {
    String access = setting("AWS_ACCESS_KEY_ID", "aws.accessKeyId");
    String secret = setting("AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey");
    credentials();
    return io.minio.MinioAsyncClient.builder()
        .endpoint(endpoint.toString())
        .region(region)
        .credentials(access, secret)
        .build();
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint;
  }
}
