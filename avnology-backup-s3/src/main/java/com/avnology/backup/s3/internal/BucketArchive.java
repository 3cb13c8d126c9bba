package com.avnology.backup.s3.internal;

import io.minio.GetObjectResponse;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every object under a prefix into one tar stream: one regular entry per object, its key,
 * content type, user metadata and tags in pax headers ({@link ObjectMeta}). Objects are read one at
 * a time, so memory does not grow with the bucket.
 */
public final class BucketArchive {
  /**
   * Appended to the tar entry name of an object whose key is empty or ends in '/' (its key is in
   * the entry's pax header).
   */
  static final String SLASH_KEY_SUFFIX = "@object";

  private static final Logger log = LoggerFactory.getLogger(BucketArchive.class);

  /**
   * What an archive run wrote.
   *
   * @param objects how many objects were written
   * @param bytes their total size
   * @param tagsKept whether the server let tags be read
   */
  public record Stats(long objects, long bytes, boolean tagsKept) {}

  private BucketArchive() {}

  /**
   * {@return what was written}
   *
   * @param ops the bucket
   * @param prefix the key prefix, empty or ending in '/'
   * @param out where the tar goes; finished, not closed
   * @param done told of each object written
   * @throws IOException if writing fails
   */
  public static Stats write(S3Ops ops, String prefix, OutputStream out, LongConsumer done)
      throws IOException {
    List<Item> items =
        ops.list(prefix).stream().sorted(Comparator.comparing(Item::objectName)).toList();
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    boolean tags = true;
    long bytes = 0;
    for (Item item : items) {
      String key = item.objectName();
      Map<String, String> tagMap = Map.of();
      if (tags) {
        var t = ops.tags(key);
        tags = t.isPresent();
        if (!tags) {
          log.warn("{} does not implement object tagging: tags are not backed up", ops.where());
        }
        tagMap = t.orElse(Map.of());
      }
      try (GetObjectResponse in = ops.get(key)) {
        bytes += writeEntry(tar, key.substring(prefix.length()), in, tagMap);
      }
      done.accept(1);
    }
    tar.finish();
    return new Stats(items.size(), bytes, tags);
  }

  private static long writeEntry(
      TarArchiveOutputStream tar,
      String relativeKey,
      GetObjectResponse in,
      Map<String, String> tags)
      throws IOException {
    long size = Long.parseLong(in.headers().get("Content-Length"));
    // a name ending in '/' would be a directory to tar readers: the entry is named apart, the key
    // is in its pax header as for every entry
    TarArchiveEntry entry =
        new TarArchiveEntry(
            relativeKey.isEmpty() || relativeKey.endsWith("/")
                ? relativeKey + SLASH_KEY_SUFFIX
                : relativeKey,
            true);
    entry.setSize(size);
    entry.setMode(0100644);
    String modified = in.headers().get("Last-Modified");
    if (modified != null) {
      entry.setModTime(
          java.util.Date.from(
              ZonedDateTime.parse(modified, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()));
    }
    entry.addPaxHeader(ObjectMeta.PAX_KEY, relativeKey);
    String contentType = in.headers().get("Content-Type");
    if (contentType != null) {
      entry.addPaxHeader(ObjectMeta.PAX_CONTENT_TYPE, contentType);
    }
    Map<String, String> meta = ObjectMeta.userMetadata(in.headers());
    if (!meta.isEmpty()) {
      entry.addPaxHeader(ObjectMeta.PAX_METADATA, ObjectMeta.encode(meta));
    }
    if (!tags.isEmpty()) {
      entry.addPaxHeader(ObjectMeta.PAX_TAGS, ObjectMeta.encode(tags));
    }
    Map<String, String> headers = ObjectMeta.standardHeaders(in.headers());
    if (!headers.isEmpty()) {
      entry.addPaxHeader(ObjectMeta.PAX_HEADERS, ObjectMeta.encode(headers));
    }
    tar.putArchiveEntry(entry);
    long copied = in.transferTo(tar);
    tar.closeArchiveEntry();
    if (copied != size) {
      throw new IOException(
          "object "
              + relativeKey
              + " changed while being read: "
              + copied
              + " bytes instead of "
              + size);
    }
    return copied;
  }

  /**
   * {@return the object it holds, apart from its bytes}
   *
   * @param entry a tar entry this class wrote
   */
  public static ObjectMeta meta(TarArchiveEntry entry) {
    Map<String, String> pax = entry.getExtraPaxHeaders();
    String key = pax.get(ObjectMeta.PAX_KEY);
    if (key == null) {
      // tar drops a pax header whose value is empty: the empty key, whose entry is named apart
      String name = entry.getName();
      key =
          name.endsWith(SLASH_KEY_SUFFIX)
              ? name.substring(0, name.length() - SLASH_KEY_SUFFIX.length())
              : name;
    }
    return new ObjectMeta(
        key,
        pax.getOrDefault(ObjectMeta.PAX_CONTENT_TYPE, ""),
        ObjectMeta.decode(pax.get(ObjectMeta.PAX_METADATA)),
        ObjectMeta.decode(pax.get(ObjectMeta.PAX_TAGS)),
        ObjectMeta.decode(pax.get(ObjectMeta.PAX_HEADERS)));
  }

  /**
   * {@return a view of it whose {@code close()} does nothing, for handing a tar entry to a client}
   *
   * @param in a stream
   */
  public static InputStream shield(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
