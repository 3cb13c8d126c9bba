package com.avnology.backup.postgres.physical;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupSink;
import com.avnology.backup.Compression;
import com.avnology.backup.Encryption;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.KeyException;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.internal.physical.WalNames;
import com.avnology.backup.postgres.internal.physical.WalObject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL archive in a sink: {@code <prefix>/wal/<timeline>/<file>.zst}, each file zstd-compressed
 * behind a header holding its SHA-256, the whole optionally encrypted ({@link
 * Builder#encryption(Encryption)}). {@link #push(Path)} is what an {@code archive_command} calls,
 * {@link #get(String, Path)} what a {@code restore_command} calls; a {@link WalStreamer} writes the
 * same objects.
 *
 * <p>A stored file is never replaced: pushing a file with the same name and the same content again
 * succeeds (PostgreSQL retries after a crash), different content is refused. The sink must store
 * objects outside sets ({@link BackupSink#putObjectIfAbsent}); a {@link
 * com.avnology.backup.FileSystemSink} does.
 *
 * <p>With encryption, every object is encrypted under its own data key wrapped by the master key
 * ({@link Encryption#encryptObject}); objects written without encryption before stay readable. An
 * encrypted object read without a key, or with another key, fails with a {@link KeyException}.
 *
 * <p>A partial segment (the part of the current segment a streamer held when it stopped, or what a
 * synchronous streamer holds so far) is stored as {@code <segment>.partial.<bytes in hex>.zst};
 * {@link #get(String, Path)} serves the longest one, zero-padded to the segment's size as
 * pg_receivewal's {@code .partial} files are, when the complete segment is absent.
 *
 * <p>Immutable and thread-safe.
 */
public final class WalArchive {
  private static final Logger log = LoggerFactory.getLogger(WalArchive.class);

  /** Offset of xlp_seg_size in a segment's first page (XLogLongPageHeaderData). */
  private static final int SEG_SIZE_OFFSET = 32;

  /** What {@link #push(Path)} did. */
  public enum PushResult {
    /** The file was stored. */
    STORED,
    /** The archive held the same file already; nothing was written. */
    ALREADY_ARCHIVED
  }

  private final BackupSink sink;
  private final Compression compression;
  private final Optional<Encryption> encryption;

  private WalArchive(BackupSink sink, Compression compression, Optional<Encryption> encryption) {
    this.sink = sink;
    this.compression = compression;
    this.encryption = encryption;
  }

  /**
   * {@return the archive, compressing with zstd level 3, not encrypting; the same as {@code
   * builder(sink).build()}}
   *
   * @param sink where the WAL lives
   */
  public static WalArchive of(BackupSink sink) {
    return new WalArchive(requireNonNull(sink, "null sink"), Compression.zstd(3), Optional.empty());
  }

  /**
   * {@return a builder of the archive: zstd level 3, not encrypting unless told to}
   *
   * @param sink where the WAL lives
   */
  public static Builder builder(BackupSink sink) {
    return new Builder(requireNonNull(sink, "null sink"));
  }

  /** Collects an archive's settings. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final BackupSink sink;
    private Encryption encryption;

    private Builder(BackupSink sink) {
      this.sink = sink;
    }

    /**
     * {@return this builder}
     *
     * @param encryption how new objects are encrypted and encrypted ones are read
     */
    public Builder encryption(Encryption encryption) {
      this.encryption = requireNonNull(encryption, "null encryption");
      return this;
    }

    /** {@return the archive} */
    public WalArchive build() {
      return new WalArchive(sink, Compression.zstd(3), Optional.ofNullable(encryption));
    }
  }

  /**
   * Archives one WAL file, atomically.
   *
   * @param file the WAL file, as PostgreSQL's {@code %p}; its name must be a WAL file's name
   * @return whether it was stored or was there already
   * @throws IllegalArgumentException if the file's name is not a WAL file's name
   * @throws IntegrityException if the archive holds a different file of that name: it is left as it
   *     is; find out which server pushed it (two servers archiving to one prefix?)
   * @throws KeyException if encryption cannot be applied, or the stored file of that name cannot be
   *     opened with the key given
   * @throws StorageException if the file cannot be read or the sink cannot be written
   */
  public PushResult push(Path file) {
    requireNonNull(file, "null file");
    return store(WalNames.check(file.getFileName().toString()), file);
  }

  /** Stores {@code file}'s content under {@code name} (a streamer's spool file has another). */
  PushResult store(String name, Path file) {
    String key = WalNames.key(name);
    try {
      byte[] sha256 = WalObject.sha256(file);
      Optional<byte[]> existing = storedHash(key);
      if (existing.isPresent()) {
        return same(name, sha256, existing.get());
      }
      if (!put(key, file, Long.MAX_VALUE, sha256)) {
        return same(name, sha256, storedHash(key).orElseThrow());
      }
      log.debug("archived {} to {} in {}", name, key, sink);
      return PushResult.STORED;
    } catch (IOException e) {
      throw new StorageException("cannot archive WAL file " + file + " to " + sink + ": " + e, e);
    }
  }

  /**
   * Stores the first {@code length} bytes of the segment being written as a new partial version,
   * then deletes the shorter versions of that segment.
   */
  void storePartial(String segment, Path file, long length) {
    String key = WalNames.partialKey(segment, length);
    try {
      put(key, file, length, WalObject.sha256(file, length));
    } catch (IOException e) {
      throw new StorageException(
          "cannot archive partial WAL segment " + segment + " to " + sink + ": " + e, e);
    }
    // only shorter ones: a restarted streamer re-streams the segment from its start
    List<String> older =
        partialVersions(segment).stream()
            .filter(k -> WalNames.partialVersion(k).orElseThrow().getValue() < length)
            .toList();
    if (!older.isEmpty()) {
      sink.deleteObjects(older);
    }
  }

  /** Deletes the partial versions of a segment once the complete segment is stored. */
  void dropPartials(String segment) {
    List<String> versions = partialVersions(segment);
    if (!versions.isEmpty()) {
      sink.deleteObjects(versions);
    }
  }

  private boolean put(String key, Path file, long length, byte[] sha256) throws IOException {
    Path temp = Files.createTempFile("wal-push-", ".zst");
    try {
      try (OutputStream raw = Files.newOutputStream(temp)) {
        OutputStream out = encryption.isPresent() ? encryption.get().encryptObject(key, raw) : raw;
        WalObject.write(file, length, sha256, compression, out);
      }
      try (InputStream in = Files.newInputStream(temp)) {
        return sink.putObjectIfAbsent(key, in);
      }
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Restores one WAL file from the archive, checking its SHA-256 before it appears at {@code
   * destination}. A segment whose complete file is absent is served from its longest partial
   * version, zero-padded to the segment's size.
   *
   * @param name the WAL file's name, as PostgreSQL's {@code %f}
   * @param destination where to write it, as PostgreSQL's {@code %p}; replaced if it exists
   * @return {@code false} if the archive has no such file (PostgreSQL asks for files that may not
   *     exist, such as the next timeline's history), {@code true} once it is written
   * @throws IllegalArgumentException if {@code name} is not a WAL file's name
   * @throws IntegrityException if the stored file is damaged; nothing is written then
   * @throws KeyException if the stored file is encrypted and no key or another key was given
   * @throws StorageException if the sink cannot be read or the destination written
   */
  public boolean get(String name, Path destination) {
    String key = WalNames.key(name);
    requireNonNull(destination, "null destination");
    boolean partial = false;
    Optional<InputStream> stored = sink.openObject(key);
    if (stored.isEmpty() && (WalNames.isSegment(name) || name.endsWith(".partial"))) {
      Optional<String> longest = longestPartial(name.substring(0, 24));
      if (longest.isPresent()) {
        key = longest.get();
        stored = sink.openObject(key);
        partial = stored.isPresent();
      }
    }
    if (stored.isEmpty()) {
      return false;
    }
    Path temp = destination.resolveSibling(destination.getFileName() + ".wal-get");
    try (InputStream in = plain(key, stored.get())) {
      byte[] expected = WalObject.readHash(in);
      try (FileChannel channel =
              FileChannel.open(
                  temp,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING);
          OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
        WalObject.decompress(in, expected, out, key + " in " + sink);
        if (partial) {
          padToSegmentSize(channel, key);
        }
      }
      Files.move(
          temp, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      if (partial) {
        log.info("served {} from the partial segment {}", name, key);
      }
      return true;
    } catch (IOException e) {
      throw new StorageException(
          "cannot restore WAL file " + name + " from " + sink + " to " + destination + ": " + e, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /** A partial segment starts with its long page header, which records the segment's size. */
  private static void padToSegmentSize(FileChannel channel, String key) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    channel.read(header, SEG_SIZE_OFFSET);
    long size = header.flip().remaining() == 4 ? Integer.toUnsignedLong(header.getInt()) : 0;
    if (Long.bitCount(size) != 1
        || size < (1 << 20)
        || size > (1L << 30)
        || size < channel.size()) {
      throw new IntegrityException(
          "partial WAL segment "
              + key
              + " does not start with a"
              + " segment header naming a valid segment size ("
              + size
              + "); it cannot be served");
    }
    channel.write(ByteBuffer.wrap(new byte[] {0}), size - 1);
  }

  /**
   * {@return whether the archive holds it (complete; partial versions do not count)}
   *
   * @param name a WAL file's name
   */
  public boolean contains(String name) {
    String key = WalNames.key(name);
    Optional<InputStream> stored = sink.openObject(key);
    stored.ifPresent(WalArchive::closeQuietly);
    return stored.isPresent();
  }

  /**
   * {@return the names of the archived WAL files, sorted (by timeline, then position); a segment
   * held only as partial versions is listed once as {@code <segment>.partial}}
   *
   * @throws StorageException if the sink cannot be listed
   */
  public List<String> list() {
    return sink.listObjects("wal/").stream()
        .map(
            k ->
                WalNames.partialVersion(k).map(v -> "wal/" + v.getKey() + ".partial.zst").orElse(k))
        .map(k -> k.substring(k.lastIndexOf('/') + 1))
        .filter(n -> n.endsWith(".zst"))
        .map(n -> n.substring(0, n.length() - 4))
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * One timeline's archived segments, for listings.
   *
   * @param timeline the timeline
   * @param first its oldest archived segment (or partial segment)
   * @param last its newest
   * @param segments how many complete segments it holds
   * @param partial the partial segment after them, if any
   */
  public record Range(
      int timeline, String first, String last, int segments, Optional<String> partial) {}

  /**
   * {@return the archived range of each timeline, oldest timeline first (history and backup history
   * files are left out)}
   *
   * @throws StorageException if the sink cannot be listed
   */
  public List<Range> ranges() {
    Map<Integer, List<String>> byTimeline = new java.util.TreeMap<>();
    for (String name : list()) {
      if (WalNames.isSegment(name) || name.endsWith(".partial")) {
        byTimeline
            .computeIfAbsent(WalNames.timeline(name), t -> new java.util.ArrayList<>())
            .add(name);
      }
    }
    List<Range> ranges = new java.util.ArrayList<>();
    byTimeline.forEach(
        (timeline, names) -> {
          List<String> complete = names.stream().filter(WalNames::isSegment).toList();
          Optional<String> partial =
              names.stream()
                  .filter(n -> n.endsWith(".partial"))
                  .filter(
                      n ->
                          complete.isEmpty()
                              || n.substring(0, 24).compareTo(complete.get(complete.size() - 1))
                                  > 0)
                  .reduce((a, b) -> b);
          String first = names.get(0).substring(0, 24);
          String last =
              partial
                  .map(p -> p.substring(0, 24))
                  .orElse(complete.isEmpty() ? first : complete.get(complete.size() - 1));
          ranges.add(new Range(timeline, first, last, complete.size(), partial));
        });
    return ranges;
  }

  /** {@return the sink} */
  public BackupSink sink() {
    return sink;
  }

  /** {@return the encryption of this archive, if any} */
  Optional<Encryption> encryption() {
    return encryption;
  }

  private List<String> partialVersions(String segment) {
    return sink.listObjects("wal/" + segment.substring(0, 8) + "/" + segment + ".partial.").stream()
        .filter(k -> WalNames.partialVersion(k).isPresent())
        .toList();
  }

  private Optional<String> longestPartial(String segment) {
    return partialVersions(segment).stream()
        .max(
            Comparator.comparing(
                k -> WalNames.partialVersion(k).map(Map.Entry::getValue).orElse(0L)));
  }

  /** The stored object as the plain stored form, decrypting it if it is encrypted. */
  private InputStream plain(String key, InputStream stored) throws IOException {
    BufferedInputStream in = new BufferedInputStream(stored, 1 << 16);
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (!Encryption.isEncryptedObject(magic)) {
      return in;
    }
    if (encryption.isEmpty()) {
      in.close();
      throw new KeyException(
          "WAL file "
              + key
              + " in "
              + sink
              + " is encrypted and no key was"
              + " given: give the archive's key (--key-env VAR or --passphrase-env VAR)");
    }
    try {
      return encryption.get().decryptObject(key, in);
    } catch (RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private Optional<byte[]> storedHash(String key) throws IOException {
    Optional<InputStream> stored = sink.openObject(key);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = plain(key, stored.get())) {
      return Optional.of(WalObject.readHash(in));
    }
  }

  private PushResult same(String name, byte[] sha256, byte[] existing) {
    if (!MessageDigest.isEqual(sha256, existing)) {
      throw new IntegrityException(
          "WAL file "
              + name
              + " is archived in "
              + sink
              + " already"
              + " with different content (SHA-256 "
              + WalObject.hex(existing)
              + ", this one "
              + WalObject.hex(sha256)
              + "); refusing to overwrite it. Is a second server archiving"
              + " to the same prefix? Give each cluster its own sink prefix");
    }
    log.debug("{} is archived already, with the same content", name);
    return PushResult.ALREADY_ARCHIVED;
  }

  private static void deleteQuietly(Path temp) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        log.debug("cannot delete {}: {}", temp, e.toString());
      }
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // only a probe
    }
  }

  @Override
  public String toString() {
    return "WalArchive[" + sink + (encryption.isPresent() ? ", encrypted" : "") + "]";
  }
}
