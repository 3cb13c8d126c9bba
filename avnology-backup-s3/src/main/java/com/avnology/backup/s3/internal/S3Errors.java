package com.avnology.backup.s3.internal;

import com.avnology.backup.BackupException;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.StorageException;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;

/**
 * Turns MinIO SDK failures into the library's exceptions, with the bucket, the endpoint and the
 * fix. Messages never carry a secret key: they name the access key at most.
 */
public final class S3Errors {
  private S3Errors() {}

  /**
   * {@return the exception to throw}
   *
   * @param e the failure, possibly wrapped by a future
   * @param where the bucket and endpoint, such as {@code bucket 'b' at http://h:9000}
   * @param accessKey the access key in use, or {@code null} if unknown
   * @param action what was being done, such as {@code writing sets/x/manifest.json}
   */
  public static BackupException translate(
      Exception e, String where, String accessKey, String action) {
    Exception cause = Retry.unwrap(e);
    if (cause instanceof BackupException backupException) {
      return backupException;
    }
    String key = accessKey == null ? "" : " (access key '" + accessKey + "')";
    if (cause instanceof ErrorResponseException errorResponseException) {
      String code = errorResponseException.errorResponse().code();
      String text = errorResponseException.errorResponse().message();
      return switch (code == null ? "" : code) {
        case "NoSuchBucket" ->
            new NotFoundException(
                where
                    + " does not exist (while "
                    + action
                    + "): create the bucket (for example `mc mb ALIAS/BUCKET`) or fix its name",
                cause);
        case "AccessDenied" ->
            new StorageException(
                "access denied to "
                    + where
                    + key
                    + " while "
                    + action
                    + ": check the secret key, and that the key may list, read, write and delete"
                    + " objects in the bucket",
                cause);
        case "SignatureDoesNotMatch", "InvalidAccessKeyId" ->
            new StorageException(
                "the credentials"
                    + key
                    + " were rejected by "
                    + where
                    + " while "
                    + action
                    + " ("
                    + code
                    + "): fix the access key or its secret key",
                cause);
        case "RequestTimeTooSkewed" ->
            new StorageException(
                where
                    + " refused the request's time while "
                    + action
                    + " (RequestTimeTooSkewed): this host's clock differs from the server's by more"
                    + " than 15 minutes; set it right (NTP) and run again",
                cause);
        case "NotImplemented" ->
            new StorageException(
                "the server of "
                    + where
                    + " does not implement "
                    + action
                    + ": use an S3 server that does, such as MinIO",
                cause);
        default ->
            new StorageException(action + " failed in " + where + ": " + code + " " + text, cause);
      };
    }
    if (cause instanceof IOException) {
      return new StorageException(
          "cannot reach "
              + where
              + " while "
              + action
              + ": "
              + cause
              + "; check the endpoint and that the server is up",
          cause);
    }
    if (cause instanceof ServerException serverException) {
      return new StorageException(
          action
              + " failed in "
              + where
              + ": server answered HTTP "
              + serverException.statusCode()
              + "; try again later",
          cause);
    }
    return new StorageException(action + " failed in " + where + ": " + cause, cause);
  }

  /**
   * {@return whether the failure is an S3 error answer with that code}
   *
   * @param e an unwrapped failure
   * @param code an S3 error code, such as {@code NoSuchKey}
   */
  public static boolean hasCode(Exception e, String code) {
    Exception cause = Retry.unwrap(e);
    return cause instanceof ErrorResponseException errorResponseException
        && code.equals(errorResponseException.errorResponse().code());
  }

  /**
   * {@return whether the server said it does not implement the call (HTTP 501)}
   *
   * @param e an unwrapped failure
   */
  public static boolean isNotImplemented(Exception e) {
    Exception cause = Retry.unwrap(e);
    if (hasCode(cause, "NotImplemented")) {
      return true;
    }
    if (cause instanceof ServerException serverException) {
      return serverException.statusCode() == 501;
    }
    // S3Proxy answers some calls with an HTML 501 page, which the SDK reports as non-XML
    return cause instanceof io.minio.errors.InvalidResponseException
        && String.valueOf(cause.getMessage()).contains("Response code: 501");
  }
}
