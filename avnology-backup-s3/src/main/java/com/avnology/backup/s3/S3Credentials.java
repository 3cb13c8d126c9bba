package com.avnology.backup.s3;

import static java.util.Objects.requireNonNull;

/**
 * An S3 access key and its secret key. {@link #toString()} shows the access key only.
 *
 * <p>Immutable and thread-safe.
 */
public final class S3Credentials {
  private final String accessKey;
  private final String secretKey;

  private S3Credentials(String accessKey, String secretKey) {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /**
   * {@return the credentials}
   *
   * @param accessKey the access key id, such as {@code AKIA…} or a MinIO user name
   * @param secretKey the secret key; never shown in messages or {@code toString()}
   * @throws IllegalArgumentException if either is empty
   */
  public static S3Credentials of(String accessKey, String secretKey) {
    requireNonNull(accessKey, "null accessKey");
    requireNonNull(secretKey, "null secretKey");
    if (accessKey.isBlank()) {
      throw new IllegalArgumentException("access key is empty: '" + accessKey + "'");
    }
    if (secretKey.isEmpty()) {
      throw new IllegalArgumentException("secret key is empty for access key '" + accessKey + "'");
    }
    return new S3Credentials(accessKey, secretKey);
  }

  /** {@return the access key id} */
  public String accessKey() {
    return accessKey;
  }

  /** {@return the secret key; keep it out of logs} */
  public String secretKey() {
    return secretKey;
  }

  /**
   * @return the access key and a mask in place of the secret
   */
  @Override
  public String toString() {
    return "S3Credentials[accessKey=" + accessKey + ", secretKey=****]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof S3Credentials s3Credentials
        && s3Credentials.accessKey.equals(accessKey)
        && s3Credentials.secretKey.equals(secretKey);
  }

  @Override
  public int hashCode() {
    return accessKey.hashCode() * 31 + secretKey.hashCode();
  }
}
