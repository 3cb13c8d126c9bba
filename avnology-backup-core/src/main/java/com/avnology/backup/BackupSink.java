package com.avnology.backup;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where backup sets live: a directory ({@link FileSystemSink}), an S3 bucket, ….
 *
 * <p>A set becomes visible to {@link #list()} and {@link #open(String)} only when {@link
 * SetWriter#publish(byte[])} has written its manifest, which happens after every artifact is
 * durably stored. A set whose writer was aborted, or whose process died, is never listed.
 *
 * <p>Implementations are thread-safe; a {@link SetWriter} accepts artifacts from several threads at
 * once.
 */
public interface BackupSink {
  /** The name of the manifest file of every set. */
  String MANIFEST = "manifest.json";

  /**
   * Starts a new, unpublished set.
   *
   * @param setId the new set's id; must not exist yet
   * @return a writer for the set's artifacts
   * @throws StorageException if the sink cannot be written
   * @throws IllegalArgumentException if a set with that id exists
   */
  SetWriter create(String setId);

  /**
   * {@return ids of published sets, newest first}
   *
   * @throws NotFoundException if the sink itself (its root directory, its bucket) does not exist: a
   *     mistyped sink must not look like an empty one
   * @throws StorageException if the sink cannot be read
   */
  List<String> list();

  /**
   * {@return a reader of that set}
   *
   * @param setId a published set's id
   * @throws NotFoundException if no published set has that id, or the sink does not exist
   */
  SetReader open(String setId);

  /**
   * Deletes a set: its manifest first (so it stops being listed at once), then its artifacts.
   *
   * @param setId a set's id
   * @throws NotFoundException if no set has that id
   */
  void delete(String setId);

  /**
   * Stores an object outside the sets, such as an archived WAL segment under {@code wal/}. The
   * object appears whole or not at all, and an existing object is never replaced.
   *
   * <p>Added for the WAL archive; sinks that do not override it cannot hold one.
   *
   * @param key the object's relative path, {@code /}-separated, not under {@code sets/}
   * @param content the object's bytes, read to its end; the caller closes it
   * @return {@code true} if stored, {@code false} if an object with that key exists (nothing was
   *     written then)
   * @throws IllegalArgumentException if the key is absolute, has {@code ..} or is under {@code
   *     sets/}
   * @throws StorageException if the object cannot be stored, or the sink cannot store objects
   */
  default boolean putObjectIfAbsent(String key, InputStream content) {
    throw new StorageException(
        "backup sink "
            + this
            + " cannot store objects outside sets"
            + " (needed for the WAL archive): use a file-system sink");
  }

  /**
   * {@return the object's stored bytes, or empty if there is no such object}
   *
   * @param key an object's key, as given to {@link #putObjectIfAbsent(String, InputStream)}
   * @throws StorageException if it cannot be read, or the sink cannot store objects
   */
  default Optional<InputStream> openObject(String key) {
    throw new StorageException(
        "backup sink "
            + this
            + " cannot store objects outside sets"
            + " (needed for the WAL archive): use a file-system sink");
  }

  /**
   * {@return the keys of stored objects starting so, sorted; empty if there are none}
   *
   * @param prefix the start of the keys wanted, such as {@code wal/00000001/}
   * @throws StorageException if the sink cannot be read, or cannot store objects
   */
  default List<String> listObjects(String prefix) {
    throw new StorageException(
        "backup sink "
            + this
            + " cannot store objects outside sets"
            + " (needed for the WAL archive): use a file-system sink");
  }

  /**
   * Deletes objects stored outside the sets, such as archived WAL that retention expired. Keys that
   * do not exist are skipped.
   *
   * <p>Added for retention; sinks that do not override it cannot hold a WAL archive.
   *
   * @param keys the keys, as listed by {@link #listObjects(String)}
   * @throws IllegalArgumentException if a key is absolute, has {@code ..} or is under {@code sets/}
   * @throws StorageException if an object cannot be deleted, or the sink cannot store objects
   */
  default void deleteObjects(List<String> keys) {
    throw new StorageException(
        "backup sink "
            + this
            + " cannot store objects outside sets"
            + " (needed for the WAL archive): use a file-system sink");
  }

  /**
   * @return where this sink writes, for messages; never contains a secret
   */
  @Override
  String toString();

  /** Writes one set. Not published until {@link #publish(byte[])}; {@link #close()} aborts. */
  interface SetWriter extends AutoCloseable {
    /**
     * Opens an artifact for writing. The artifact is durable when the returned stream's {@code
     * close()} returns; a stream that is not closed leaves nothing behind after {@link #abort()}.
     *
     * @param path a relative path inside the set, with {@code /} separators
     * @return the stream to write the artifact's bytes to
     * @throws IllegalArgumentException if the path is absolute, has {@code ..} or is taken
     */
    OutputStream artifact(String path);

    /**
     * Writes the manifest last, atomically, which publishes the set.
     *
     * @param manifest the manifest's bytes
     * @throws StorageException if the manifest cannot be stored; the set then stays unpublished
     */
    void publish(byte[] manifest);

    /** Removes everything written for this set. Safe to call more than once. */
    void abort();

    /** Aborts unless published. Throws nothing checked. */
    @Override
    void close();
  }

  /** Reads one published set. */
  interface SetReader extends AutoCloseable {
    /**
     * {@return the manifest's bytes}
     *
     * @throws StorageException if it cannot be read
     */
    byte[] manifest();

    /**
     * {@return its stored bytes, unverified}
     *
     * @param path an artifact's path inside the set
     * @throws NotFoundException if the artifact does not exist
     */
    InputStream artifact(String path);

    /** Releases what the reader holds. Throws nothing checked. */
    @Override
    void close();
  }
}
