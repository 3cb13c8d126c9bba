package com.avnology.backup.s3.testing;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An in-process S3 server (S3Proxy over jclouds' filesystem provider) that can be stopped and
 * started again on the same port with the same data.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-Zq8vK2pL9xW4";

  private final BlobStoreContext context;
  private final BlobStore blobStore;
  private S3Proxy proxy;
  private int port;

  private S3Server(BlobStoreContext context) {
    this(context, context.getBlobStore());
  }

  private S3Server(BlobStoreContext context, BlobStore blobStore) {
    this.context = context;
    this.blobStore = blobStore;
  }

  /** Starts a server keeping its objects in {@code dir}. */
  public static S3Server start(Path dir) {
    return start(dir, java.util.function.UnaryOperator.identity());
  }

  /**
   * Starts a server keeping its objects in {@code dir}, serving them through the store {@code wrap}
   * makes of the real one (to slow it down, or watch or refuse what it is asked).
   */
  public static S3Server start(Path dir, java.util.function.UnaryOperator<BlobStore> wrap) {
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", dir.toString());
    BlobStoreContext ctx =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(p)
            .build(BlobStoreContext.class);
    S3Server server = new S3Server(ctx, wrap.apply(ctx.getBlobStore()));
    server.startOn(0);
    return server;
  }

  /**
   * Starts a server keeping its objects in memory (jclouds' transient provider), which, unlike the
   * filesystem provider, stores keys ending in '/' as objects.
   */
  public static S3Server inMemory() {
    BlobStoreContext ctx =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
    S3Server server = new S3Server(ctx);
    server.startOn(0);
    return server;
  }

  private void startOn(int wanted) {
    try {
      proxy =
          S3Proxy.builder()
              .blobStore(blobStore)
              .endpoint(URI.create("http://127.0.0.1:" + wanted))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
              .build();
      proxy.start();
      while (!proxy.getState().equals("STARTED")) {
        Thread.sleep(5);
      }
      port = proxy.getPort();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start S3Proxy: " + e, e);
    }
  }

  /** Stops serving; the objects stay. */
  public void stop() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Serves again on the same port. */
  public void restart() {
    startOn(port);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Returns an asynchronous client, what the library's S3 builders take. */
  public io.minio.MinioAsyncClient async() {
    return io.minio.MinioAsyncClient.builder()
        .endpoint(endpoint().toString())
        .credentials(ACCESS_KEY, SECRET_KEY)
        .region("us-east-1")
        .build();
  }

  public MinioClient client() {
    return MinioClient.builder()
        .endpoint(endpoint().toString())
        .credentials(ACCESS_KEY, SECRET_KEY)
        .region("us-east-1")
        .build();
  }

  /** Creates a bucket and returns its name. */
  public String bucket(String name) {
    try {
      client().makeBucket(MakeBucketArgs.builder().bucket(name).build());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return name;
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      // already stopped
    }
    context.close();
  }
}
