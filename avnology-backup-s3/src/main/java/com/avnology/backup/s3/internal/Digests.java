package com.avnology.backup.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** ETags and the digests that stand in for them. */
final class Digests {
  private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-f]{32}");

  private Digests() {}

  /**
   * {@return it without quotes, lower case}
   *
   * @param etag an ETag as S3 returns it, quoted or not
   */
  public static String etag(String etag) {
    return etag == null ? "" : etag.replace("\"", "").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * {@return whether it is the MD5 of the bytes (a single-part upload) rather than of the parts}
   *
   * @param etag an ETag
   */
  public static boolean isPlainMd5(String etag) {
    return PLAIN_MD5.matcher(etag(etag)).matches();
  }

  /**
   * {@return a new digest}
   *
   * @param algorithm {@code MD5} or {@code SHA-256}
   */
  public static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  /**
   * {@return their digest in lowercase hex}
   *
   * @param algorithm {@code MD5} or {@code SHA-256}
   * @param in bytes, read to the end but not closed
   * @throws IOException if reading fails
   */
  public static String hex(String algorithm, InputStream in) throws IOException {
    MessageDigest d = digest(algorithm);
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) >= 0; ) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
