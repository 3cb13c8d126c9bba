package com.avnology.backup.examples.cli;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** An in-process S3 server (S3Proxy on a directory) for the demo; random credentials. */
final class EmbeddedS3 implements AutoCloseable {
  final String accessKey = "demo";
  final String secretKey = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
  private final BlobStoreContext context;
  private final S3Proxy proxy;

  EmbeddedS3(Path dir) throws Exception {
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", dir.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(p)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(5);
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  MinioClient client() {
    return MinioClient.builder()
        .endpoint(endpoint().toString())
        .region("us-east-1")
        .credentials(accessKey, secretKey)
        .build();
  }

  void bucket(String name) throws Exception {
    client().makeBucket(MakeBucketArgs.builder().bucket(name).build());
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
