package com.avnology.backup;

import java.io.OutputStream;

/**
 * What a {@link BackupTarget} writes its artifacts through. Thread-safe: a target may write
 * several artifacts from several threads at once.
 */
public interface BackupContext {
  /** @return the id of the set being written */
  String setId();

  /** @return the compression the backup asks for */
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
   * Reports table rows copied; feeds the progress listener's rows per second.
   *
   * @param count how many more rows are done
   */
  default void rowsDone(long count) {}
}
