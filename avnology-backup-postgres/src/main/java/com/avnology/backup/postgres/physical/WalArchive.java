package com.avnology.backup.postgres.physical;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupSink;
import com.avnology.backup.Compression;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.internal.physical.WalNames;
import com.avnology.backup.postgres.internal.physical.WalObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL archive in a sink: {@code <prefix>/wal/<timeline>/<file>.zst}, each file zstd-compressed
 * behind a header holding its SHA-256. {@link #push(Path)} is what an {@code archive_command}
 * calls, {@link #get(String, Path)} what a {@code restore_command} calls.
 *
 * <p>A stored file is never replaced: pushing a file with the same name and the same content again
 * succeeds (PostgreSQL retries after a crash), different content is refused. The sink must store
 * objects outside sets ({@link BackupSink#putObjectIfAbsent}); a {@link
 * com.avnology.backup.FileSystemSink} does. WAL is not encrypted in this version.
 *
 * <p>Immutable and thread-safe.
 */
public final class WalArchive {
  private static final Logger log = LoggerFactory.getLogger(WalArchive.class);

  /** What {@link #push(Path)} did. */
  public enum PushResult {
    /** The file was stored. */
    STORED,
    /** The archive held the same file already; nothing was written. */
    ALREADY_ARCHIVED
  }

  private final BackupSink sink;
  private final Compression compression;

  private WalArchive(BackupSink sink, Compression compression) {
    this.sink = sink;
    this.compression = compression;
  }

  /**
   * @param sink where the WAL lives
   * @return the archive, compressing with zstd level 3
   */
  public static WalArchive of(BackupSink sink) {
    return new WalArchive(requireNonNull(sink, "null sink"), Compression.zstd(3));
  }

  /**
   * Archives one WAL file, atomically.
   *
   * @param file the WAL file, as PostgreSQL's {@code %p}; its name must be a WAL file's name
   * @return whether it was stored or was there already
   * @throws IllegalArgumentException if the file's name is not a WAL file's name
   * @throws IntegrityException if the archive holds a different file of that name: it is left as
   *     it is; find out which server pushed it (two servers archiving to one prefix?)
   * @throws StorageException if the file cannot be read or the sink cannot be written
   */
  public PushResult push(Path file) {
    requireNonNull(file, "null file");
    String name = WalNames.check(file.getFileName().toString());
    String key = WalNames.key(name);
    Path temp = null;
    try {
      byte[] sha256 = WalObject.sha256(file);
      Optional<byte[]> existing = storedHash(key);
      if (existing.isPresent()) {
        return same(name, sha256, existing.get());
      }
      temp = Files.createTempFile("wal-push-", ".zst");
      try (OutputStream out = Files.newOutputStream(temp)) {
        WalObject.write(file, sha256, compression, out);
      }
      boolean stored;
      try (InputStream in = Files.newInputStream(temp)) {
        stored = sink.putObjectIfAbsent(key, in);
      }
      if (!stored) {
        return same(name, sha256, storedHash(key).orElseThrow());
      }
      log.debug("archived {} to {} in {}", name, key, sink);
      return PushResult.STORED;
    } catch (IOException e) {
      throw new StorageException("cannot archive WAL file " + file + " to " + sink + ": " + e, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Restores one WAL file from the archive, checking its SHA-256 before it appears at {@code
   * destination}.
   *
   * @param name the WAL file's name, as PostgreSQL's {@code %f}
   * @param destination where to write it, as PostgreSQL's {@code %p}; replaced if it exists
   * @return {@code false} if the archive has no such file (PostgreSQL asks for files that may not
   *     exist, such as the next timeline's history), {@code true} once it is written
   * @throws IllegalArgumentException if {@code name} is not a WAL file's name
   * @throws IntegrityException if the stored file is damaged; nothing is written then
   * @throws StorageException if the sink cannot be read or the destination written
   */
  public boolean get(String name, Path destination) {
    String key = WalNames.key(name);
    requireNonNull(destination, "null destination");
    Optional<InputStream> stored = sink.openObject(key);
    if (stored.isEmpty()) {
      return false;
    }
    Path temp = destination.resolveSibling(destination.getFileName() + ".wal-get");
    try (InputStream in = stored.get()) {
      byte[] expected = WalObject.readHash(in);
      try (OutputStream out = Files.newOutputStream(temp)) {
        WalObject.decompress(in, expected, out, key + " in " + sink);
      }
      Files.move(temp, destination, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      throw new StorageException("cannot restore WAL file " + name + " from " + sink + " to "
          + destination + ": " + e, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * @param name a WAL file's name
   * @return whether the archive holds it
   */
  public boolean contains(String name) {
    String key = WalNames.key(name);
    Optional<InputStream> stored = sink.openObject(key);
    stored.ifPresent(WalArchive::closeQuietly);
    return stored.isPresent();
  }

  /**
   * @return the names of the archived WAL files, sorted (by timeline, then position)
   * @throws StorageException if the sink cannot be listed
   */
  public List<String> list() {
    return sink.listObjects("wal/").stream()
        .map(k -> k.substring(k.lastIndexOf('/') + 1))
        .filter(n -> n.endsWith(".zst"))
        .map(n -> n.substring(0, n.length() - 4))
        .sorted()
        .toList();
  }

  /** @return the sink */
  public BackupSink sink() {
    return sink;
  }

  private Optional<byte[]> storedHash(String key) throws IOException {
    Optional<InputStream> stored = sink.openObject(key);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = stored.get()) {
      return Optional.of(WalObject.readHash(in));
    }
  }

  private PushResult same(String name, byte[] sha256, byte[] existing) {
    if (!MessageDigest.isEqual(sha256, existing)) {
      throw new IntegrityException("WAL file " + name + " is archived in " + sink + " already"
          + " with different content (SHA-256 " + WalObject.hex(existing) + ", this one "
          + WalObject.hex(sha256) + "); refusing to overwrite it. Is a second server archiving"
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
    return "WalArchive[" + sink + "]";
  }
}
