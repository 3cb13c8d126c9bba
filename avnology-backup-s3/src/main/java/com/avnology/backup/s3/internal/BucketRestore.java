package com.avnology.backup.s3.internal;

import com.avnology.backup.StorageException;
import com.avnology.backup.s3.OverwritePolicy;
import io.minio.GetObjectResponse;
import io.minio.StatObjectResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Restores a {@link BucketArchive} tar into a bucket: a first pass compares every object with what
 * exists (unless the policy is {@link OverwritePolicy#ALWAYS}) and refuses before writing anything
 * if the policy forbids it; a second pass writes what is needed.
 */
public final class BucketRestore {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(BucketRestore.class);

  /**
   * What a restore run did.
   *
   * @param written objects written
   * @param unchanged objects already identical, left alone
   * @param bytes bytes written
   */
  public record Stats(long written, long unchanged, long bytes) {}

  private final S3Ops ops;
  private final String prefix;
  private final OverwritePolicy policy;

  /**
   * @param ops the destination bucket
   * @param prefix the key prefix objects go under, empty or ending in '/'
   * @param policy what to do with existing objects
   */
  public BucketRestore(S3Ops ops, String prefix, OverwritePolicy policy) {
    this.ops = ops;
    this.prefix = prefix;
    this.policy = policy;
  }

  /**
   * {@return what was done}
   *
   * @param archive opens the (decompressed) tar afresh on each call
   * @param done told of each object restored or left alone
   * @throws IOException if the archive cannot be read
   * @throws StorageException if the policy forbids overwriting differing objects
   */
  public Stats restore(Supplier<InputStream> archive, java.util.function.LongConsumer done)
      throws IOException {
    Set<String> skip = policy == OverwritePolicy.ALWAYS ? Set.of() : compare(archive);
    long written = 0;
    long bytes = 0;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(archive.get(), "UTF-8")) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (!e.isFile()) {
          continue;
        }
        ObjectMeta meta = BucketArchive.meta(e);
        if (unplaceable(meta)) {
          log.warn(
              "the backed-up prefix's own marker object is not restored: its key would be empty"
                  + " at the root of {}",
              ops.where());
          done.accept(1);
          continue;
        }
        if (!skip.contains(meta.key())) {
          ops.put(
              prefix + meta.key(),
              BucketArchive.shield(tar),
              e.getSize(),
              meta.contentType().isEmpty() ? null : meta.contentType(),
              meta.userMetadata(),
              meta.headers());
          if (!meta.tags().isEmpty()) {
            ops.setTags(prefix + meta.key(), meta.tags());
          }
          written++;
          bytes += e.getSize();
        }
        done.accept(1);
      }
    }
    return new Stats(written, skip.size(), bytes);
  }

  /**
   * @return keys already identical at the destination
   */
  private Set<String> compare(Supplier<InputStream> archive) throws IOException {
    Set<String> identical = new HashSet<>();
    List<String> different = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(archive.get(), "UTF-8")) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (!e.isFile()) {
          continue;
        }
        ObjectMeta meta = BucketArchive.meta(e);
        if (unplaceable(meta)) {
          continue;
        }
        String md5 = Digests.hex("MD5", tar);
        Optional<StatObjectResponse> existing = ops.stat(prefix + meta.key());
        if (existing.isEmpty()) {
          continue;
        }
        if (same(existing.get(), e.getSize(), md5, meta)) {
          identical.add(meta.key());
        } else {
          different.add(prefix + meta.key());
        }
      }
    }
    if (!different.isEmpty() && policy == OverwritePolicy.NEVER) {
      throw new StorageException(
          ops.where()
              + " already holds "
              + different.size()
              + " objects that differ from the backup: "
              + String.join(", ", different.subList(0, Math.min(20, different.size())))
              + (different.size() > 20 ? ", …" : "")
              + "; nothing was written. Restore into an empty"
              + " bucket or prefix, or choose OverwritePolicy.IF_DIFFERENT or ALWAYS");
    }
    return identical;
  }

  /**
   * Whether the object's key is empty where it goes: the marker of the prefix backed up, at a root.
   */
  private boolean unplaceable(ObjectMeta meta) {
    return (prefix + meta.key()).isEmpty();
  }

  private boolean same(StatObjectResponse s, long size, String md5, ObjectMeta meta)
      throws IOException {
    if (s.size() != size) {
      return false;
    }
    if (!meta.contentType().isEmpty() && !meta.contentType().equals(s.contentType())) {
      return false;
    }
    Map<String, String> existingMeta = new TreeMap<>();
    s.userMetadata().forEach((k, v) -> existingMeta.put(k.toLowerCase(Locale.ROOT), v));
    if (!existingMeta.equals(new TreeMap<>(meta.userMetadata()))) {
      return false;
    }
    // both ways: an object the backup holds without Content-Encoding is not the same as one
    // served gzip-encoded (none of these headers has a server default)
    if (!ObjectMeta.standardHeaders(s.headers()).equals(new TreeMap<>(meta.headers()))) {
      return false;
    }
    if (Digests.isPlainMd5(s.etag())) {
      return Digests.etag(s.etag()).equals(md5);
    }
    try (GetObjectResponse in = ops.get(s.object())) {
      return Digests.hex("MD5", in).equals(md5);
    }
  }
}
