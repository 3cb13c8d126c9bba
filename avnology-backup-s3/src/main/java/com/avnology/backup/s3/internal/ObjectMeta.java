package com.avnology.backup.s3.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.Headers;

/**
 * What a bucket backup keeps of an object besides its bytes, and how it travels in tar pax headers.
 *
 * @param key the object key, relative to the target's prefix
 * @param contentType its content type, or empty
 * @param userMetadata its user metadata, keys in lower case without {@code x-amz-meta-}
 * @param tags its tags
 * @param headers its standard headers ({@link #STANDARD_HEADERS}) that it has
 */
public record ObjectMeta(
    String key,
    String contentType,
    Map<String, String> userMetadata,
    Map<String, String> tags,
    Map<String, String> headers) {
  /**
   * The standard headers an object keeps besides its content type, which a client sees when it
   * reads it (a gzip-encoded object without its Content-Encoding is garbage to a browser). Not
   * Expires: stores keep any text there, and some refuse to write one that is no HTTP date, which
   * would stop a restore part-way; Cache-Control has replaced it.
   */
  public static final List<String> STANDARD_HEADERS =
      List.of("Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language");

  /** Pax header holding the standard headers, URL-encoded as a query string. */
  public static final String PAX_HEADERS = "AVNOLOGY.s3.headers";

  /** Pax header holding the exact object key (tar may rewrite the entry name). */
  public static final String PAX_KEY = "AVNOLOGY.s3.key";

  /** Pax header holding the content type. */
  public static final String PAX_CONTENT_TYPE = "AVNOLOGY.s3.content-type";

  /** Pax header holding the user metadata, URL-encoded as a query string. */
  public static final String PAX_METADATA = "AVNOLOGY.s3.metadata";

  /** Pax header holding the tags, URL-encoded as a query string. */
  public static final String PAX_TAGS = "AVNOLOGY.s3.tags";

  /**
   * Copies.
   *
   * @param key the object key, relative to the target's prefix
   * @param contentType its content type, or empty
   * @param userMetadata its user metadata, keys in lower case without {@code x-amz-meta-}
   * @param tags its tags
   * @param headers its standard headers ({@link #STANDARD_HEADERS}) that it has
   */
  public ObjectMeta {
    userMetadata = Map.copyOf(userMetadata);
    tags = Map.copyOf(tags);
    headers = Map.copyOf(headers);
  }

  /**
   * {@return the standard headers ({@link #STANDARD_HEADERS}) among them, by their canonical names}
   *
   * @param headers an object's response headers
   */
  public static Map<String, String> standardHeaders(Headers headers) {
    Map<String, String> out = new TreeMap<>();
    for (String name : STANDARD_HEADERS) {
      String value = headers.get(name);
      if (value != null && !value.isEmpty()) {
        out.put(name, value);
      }
    }
    return out;
  }

  /**
   * {@return its user metadata, keys in lower case without the {@code x-amz-meta-} prefix}
   *
   * @param headers an object's response headers
   */
  public static Map<String, String> userMetadata(Headers headers) {
    Map<String, String> meta = new TreeMap<>();
    for (String name : headers.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith("x-amz-meta-")) {
        meta.put(lower.substring("x-amz-meta-".length()), headers.get(name));
      }
    }
    return meta;
  }

  /**
   * {@return them as {@code k=v&k2=v2}, URL-encoded, sorted by key}
   *
   * @param map keys and values
   */
  public static String encode(Map<String, String> map) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(map)
        .forEach(
            (k, v) ->
                b.append(b.length() == 0 ? "" : "&")
                    .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString();
  }

  /**
   * {@return the map}
   *
   * @param text what {@link #encode(Map)} made, or null
   */
  public static Map<String, String> decode(String text) {
    Map<String, String> map = new TreeMap<>();
    if (text == null || text.isEmpty()) {
      return map;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      map.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return map;
  }
}
