package com.avnology.backup.s3.internal;

import com.avnology.backup.BackupException;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.StorageException;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.http.Method;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import io.minio.messages.ListMultipartUploadsResult;
import io.minio.messages.Part;
import io.minio.messages.Upload;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The S3 calls this module makes on one bucket, each retried per {@link Retry} and translated per
 * {@link S3Errors}. Everything goes through the SDK's public {@link MinioAsyncClient}, whose
 * multipart calls ({@code createMultipartUploadAsync}, {@code uploadPartAsync}, …) are public API;
 * the blocking {@code MinioClient} hides them, and reading its private field by reflection broke on
 * SDK upgrades. Thread-safe (the MinIO client is).
 */
public final class S3Ops {
  private final MinioAsyncClient client;
  private final String bucket;
  private final String where;
  private final String accessKey;
  private final Retry retry;

  /**
   * @param client the client
   * @param bucket the bucket
   * @param endpoint the endpoint for messages, or {@code null} if unknown
   * @param accessKey the access key for messages, or {@code null} if unknown
   * @param retry how failed calls are retried
   */
  public S3Ops(
      MinioAsyncClient client, String bucket, String endpoint, String accessKey, Retry retry) {
    this.client = client;
    this.bucket = bucket;
    this.where = "bucket '" + bucket + "'" + (endpoint == null ? "" : " at " + endpoint);
    this.accessKey = accessKey;
    this.retry = retry;
  }

  /** {@return the bucket} */
  public String bucket() {
    return bucket;
  }

  /** {@return the bucket and endpoint, for messages} */
  public String where() {
    return where;
  }

  /**
   * Checks that the bucket exists.
   *
   * @throws NotFoundException if the bucket does not exist
   * @throws StorageException if it cannot be checked (credentials, network)
   */
  public void requireBucket() {
    boolean exists =
        call(
            "checking that the bucket exists",
            () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()).get());
    if (!exists) {
      throw new NotFoundException(
          where
              + " does not exist: create the bucket (for example"
              + " `mc mb ALIAS/"
              + bucket
              + "`) or fix its name");
    }
  }

  /**
   * {@return its metadata, or empty if it does not exist}
   *
   * @param key an object key
   */
  public Optional<StatObjectResponse> stat(String key) {
    try {
      return Optional.of(
          retry.run(
              "stat " + key,
              () ->
                  client
                      .statObject(StatObjectArgs.builder().bucket(bucket).object(key).build())
                      .get()));
    } catch (Exception e) {
      if (S3Errors.hasCode(e, "NoSuchKey") || S3Errors.hasCode(e, "NoSuchObject")) {
        return Optional.empty();
      }
      throw S3Errors.translate(e, where, accessKey, "reading the metadata of " + key);
    }
  }

  /**
   * {@return its bytes and response headers; the caller closes it}
   *
   * @param key an object key
   * @throws NotFoundException if it does not exist
   */
  public GetObjectResponse get(String key) {
    try {
      return retry.run(
          "get " + key,
          () -> client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()).get());
    } catch (Exception e) {
      if (S3Errors.hasCode(e, "NoSuchKey")) {
        throw new NotFoundException("object '" + key + "' does not exist in " + where, e);
      }
      throw S3Errors.translate(e, where, accessKey, "reading " + key);
    }
  }

  /**
   * Writes a small object in one request, retried.
   *
   * @param key the object key
   * @param data its bytes
   * @param length how many of them
   */
  public void put(String key, byte[] data, int length) {
    call(
        "writing " + key,
        () ->
            client
                .putObject(
                    PutObjectArgs.builder().bucket(bucket).object(key).stream(
                            new ByteArrayInputStream(data, 0, length), length, -1)
                        .build())
                .get());
  }

  /**
   * Writes an object from a stream of known size, once (a stream cannot be replayed).
   *
   * @param key the object key
   * @param in its bytes
   * @param size how many
   * @param contentType its content type, or {@code null}
   * @param userMetadata its user metadata, without the {@code x-amz-meta-} prefix
   * @param headers its standard headers ({@link ObjectMeta#STANDARD_HEADERS})
   */
  public void put(
      String key,
      InputStream in,
      long size,
      String contentType,
      Map<String, String> userMetadata,
      Map<String, String> headers) {
    call(
        "writing " + key,
        () -> {
          PutObjectArgs.Builder b =
              PutObjectArgs.builder().bucket(bucket).object(key).stream(in, size, -1)
                  .userMetadata(userMetadata)
                  .headers(headers);
          if (contentType != null) {
            b.contentType(contentType);
          }
          return client.putObject(b.build()).get();
        },
        Retry.NONE);
  }

  /**
   * {@return every object under it, directory placeholders left out}
   *
   * @param prefix a key prefix
   */
  public List<Item> list(String prefix) {
    // a key that ends in '/' is an object like any other (a console's empty "folder" marker, or
    // bytes); only the prefixes a listing makes up are left out
    return listing(prefix, true).stream().filter(item -> !item.isDir()).toList();
  }

  /**
   * {@return the key prefixes one level below it, each ending in {@code /}} One request per
   * thousand of them, however many objects each holds.
   *
   * @param prefix a key prefix ending in {@code /}
   */
  public List<String> listPrefixes(String prefix) {
    return listing(prefix, false).stream().filter(Item::isDir).map(Item::objectName).toList();
  }

  /** Every entry of a listing: all objects, or (delimited by '/') one level of them. */
  private List<Item> listing(String prefix, boolean recursive) {
    return call(
        "listing " + (prefix.isEmpty() ? "the bucket" : prefix),
        () -> {
          ListObjectsArgs.Builder args =
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(recursive);
          if (!recursive) {
            args.delimiter("/");
          }
          List<Item> items = new ArrayList<>();
          for (Result<Item> r : client.listObjects(args.build())) {
            items.add(r.get());
          }
          return items;
        });
  }

  /** How many {@link #stat}s {@link #existing} makes at once. */
  private static final int STATS_AT_ONCE = 8;

  /**
   * {@return those of the keys that name an object} Asks for each, {@value #STATS_AT_ONCE} at once.
   *
   * @param keys object keys
   */
  public java.util.Set<String> existing(Collection<String> keys) {
    java.util.Set<String> found = java.util.concurrent.ConcurrentHashMap.newKeySet();
    if (keys.isEmpty()) {
      return found;
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            Math.min(STATS_AT_ONCE, keys.size()),
            r -> {
              Thread t = new Thread(r, "avnology-s3-stat");
              t.setDaemon(true);
              return t;
            });
    try {
      List<java.util.concurrent.Future<?>> asked = new ArrayList<>();
      for (String key : keys) {
        asked.add(
            pool.submit(
                () -> {
                  if (stat(key).isPresent()) {
                    found.add(key);
                  }
                }));
      }
      for (java.util.concurrent.Future<?> f : asked) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r
              ? r
              : new StorageException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StorageException("interrupted while reading object metadata in " + where, e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return found;
  }

  /**
   * Deletes objects.
   *
   * @param keys object keys to delete; absent ones are ignored
   */
  public void remove(Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    call(
        "deleting " + keys.size() + " objects",
        () -> {
          List<DeleteObject> objects = keys.stream().map(DeleteObject::new).toList();
          List<String> failed = new ArrayList<>();
          // removeObjects is lazy: nothing is deleted until its results are read
          for (Result<DeleteError> r :
              client.removeObjects(
                  RemoveObjectsArgs.builder().bucket(bucket).objects(objects).build())) {
            DeleteError error = r.get();
            failed.add(error.objectName() + " (" + error.code() + ")");
          }
          if (!failed.isEmpty()) {
            throw new StorageException(
                "cannot delete "
                    + failed.size()
                    + " objects from "
                    + where
                    + ": "
                    + failed.subList(0, Math.min(10, failed.size()))
                    + "; check that the key may delete objects");
          }
          return null;
        });
  }

  /**
   * {@return a presigned GET URL}
   *
   * @param key an object key
   * @param expiry how long the URL works
   */
  public String presign(String key, Duration expiry) {
    return call(
        "presigning " + key,
        () ->
            client.getPresignedObjectUrl(
                GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(bucket)
                    .object(key)
                    .expiry((int) expiry.toSeconds())
                    .build()));
  }

  /**
   * {@return its tags, or empty if the server does not implement tagging}
   *
   * @param key an object key
   */
  public Optional<Map<String, String>> tags(String key) {
    try {
      return Optional.of(
          retry.run(
              "get tags of " + key,
              () ->
                  client
                      .getObjectTags(
                          io.minio.GetObjectTagsArgs.builder().bucket(bucket).object(key).build())
                      .get()
                      .get()));
    } catch (Exception e) {
      if (S3Errors.isNotImplemented(e)) {
        return Optional.empty();
      }
      throw S3Errors.translate(e, where, accessKey, "reading the tags of " + key);
    }
  }

  /**
   * Replaces an object's tags.
   *
   * @param key an object key
   * @param tags its new tags
   */
  public void setTags(String key, Map<String, String> tags) {
    call(
        "tagging " + key,
        () -> {
          client
              .setObjectTags(
                  io.minio.SetObjectTagsArgs.builder()
                      .bucket(bucket)
                      .object(key)
                      .tags(tags)
                      .build())
              .get();
          return null;
        });
  }

  /** {@return a new multipart upload's id} */
  public String createUpload(String key) {
    return call(
        "starting a multipart upload of " + key,
        () ->
            client
                .createMultipartUploadAsync(bucket, null, key, null, null)
                .get()
                .result()
                .uploadId());
  }

  /** {@return the ETag of the uploaded part} */
  public String uploadPart(String key, String uploadId, int number, byte[] data, int length) {
    return call(
        "uploading part " + number + " of " + key,
        () ->
            client
                .uploadPartAsync(bucket, null, key, data, length, uploadId, number, null, null)
                .get()
                .etag());
  }

  /** Completes a multipart upload. */
  public void completeUpload(String key, String uploadId, List<Part> parts) {
    call(
        "completing the multipart upload of " + key,
        () ->
            client
                .completeMultipartUploadAsync(
                    bucket, null, key, uploadId, parts.toArray(new Part[0]), null, null)
                .get());
  }

  /** Aborts a multipart upload; one already gone is fine. */
  public void abortUpload(String key, String uploadId) {
    try {
      retry.run(
          "aborting upload " + uploadId,
          () -> client.abortMultipartUploadAsync(bucket, null, key, uploadId, null, null).get());
    } catch (Exception e) {
      if (!S3Errors.hasCode(e, "NoSuchUpload")) {
        throw S3Errors.translate(e, where, accessKey, "aborting the multipart upload of " + key);
      }
    }
  }

  /**
   * {@return the incomplete multipart uploads under it, or empty if the server cannot list them}
   *
   * @param prefix a key prefix
   */
  public Optional<List<Upload>> listUploads(String prefix) {
    List<Upload> uploads = new ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    try {
      while (true) {
        String k = keyMarker;
        String i = idMarker;
        ListMultipartUploadsResult page =
            retry.run(
                "listing multipart uploads",
                () ->
                    client
                        .listMultipartUploadsAsync(
                            bucket, null, null, null, k, 1000, prefix, i, null, null)
                        .get()
                        .result());
        uploads.addAll(page.uploads());
        if (!page.isTruncated()) {
          return Optional.of(uploads);
        }
        keyMarker = page.nextKeyMarker();
        idMarker = page.nextUploadIdMarker();
      }
    } catch (Exception e) {
      if (S3Errors.isNotImplemented(e)) {
        return Optional.empty();
      }
      throw S3Errors.translate(e, where, accessKey, "listing incomplete multipart uploads");
    }
  }

  /**
   * {@return its result}
   *
   * @param what what the call does, for messages
   * @param call the call
   * @throws BackupException translated from the SDK's failure
   */
  public <T> T call(String what, Retry.Call<T> call) {
    return call(what, call, retry);
  }

  private <T> T call(String what, Retry.Call<T> call, Retry policy) {
    try {
      return policy.run(what, call);
    } catch (Exception e) {
      throw S3Errors.translate(e, where, accessKey, what);
    }
  }
}
