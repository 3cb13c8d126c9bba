package com.avnology.backup;

import java.io.OutputStream;

/**
 * What a {@link BackupTarget} writes its artifacts through. Thread-safe: a target may write several
 * artifacts from several threads at once.
 */
public interface BackupContext {
  /** {@return the id of the set being written} */
  String setId();

  /** {@return the compression the backup asks for} */
  Compression compression();

  /**
   * Opens an artifact. Its size and SHA-256 are recorded when the stream is closed; an artifact
   * whose stream is not closed makes the backup fail.
   *
   * @param path the artifact's path under the target's kind, starting with the target's name
   *     followed by {@code .} or {@code /}, such as {@code certs.tar.zst}
   * @param compression how the bytes written are compressed, for the manifest
   * @return the stream to write the artifact's stored bytes to
   * @throws IllegalArgumentException if the path does not start with the target's name or is taken
   */
  OutputStream artifact(String path, Compression.Algorithm compression);

  /**
   * Records a fact about the backup in the manifest, such as a row count.
   *
   * @param key the fact's name
   * @param value its value
   */
  void metadata(String key, String value);

  /**
   * Records a setting the backup was made with, in the manifest.
   *
   * @param key the setting's name
   * @param value its value; never a secret
   */
  void option(String key, String value);

  /**
   * Reports that entries (files, tables, …) were processed; feeds the progress listener.
   *
   * @param count how many more entries are done
   */
  void entriesDone(long count);

  /**
   * Announces this target's work, so progress can show totals and an estimated time left.
   *
   * @param entries entries the target will report through {@link #entriesDone(long)}, or -1
   * @param rows table rows it expects to copy (an estimate is fine), or -1
   */
  default void expect(long entries, long rows) {}

  /**
   * {@return the manifests of the good sets already published in the sink, newest first: what an
   * incremental backup chooses its parent from; empty if this context cannot see the sink}
   */
  default java.util.List<Manifest> publishedSets() {
    return java.util.List.of();
  }

  /**
   * This target as stored in a published set of the sink, read with this backup's key: an
   * incremental backup reads its parent's file list through it.
   *
   * @param setId a published set's id
   * @return a context reading that set's artifacts of this target
   * @throws NotFoundException if there is no such set, or it does not hold this target
   * @throws KeyException if that set cannot be opened with this backup's key (or is not encrypted
   *     while this backup is)
   */
  default RestoreContext publishedSet(String setId) {
    throw new NotFoundException("set " + setId + " cannot be read from this backup context");
  }

  /**
   * Reports table rows copied; feeds the progress listener's rows per second.
   *
   * @param count how many more rows are done
   */
  default void rowsDone(long count) {}
}
