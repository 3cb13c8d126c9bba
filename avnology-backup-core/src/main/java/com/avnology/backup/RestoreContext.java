package com.avnology.backup;

import java.io.InputStream;

/**
 * What a {@link BackupTarget} reads its artifacts from during a restore. Thread-safe.
 */
public interface RestoreContext {
  /** @return the id of the set being restored */
  String setId();

  /** @return the manifest entry of the target being restored */
  Manifest.Target manifest();

  /**
   * Opens an artifact for reading. The stream checks size and SHA-256 as it is read and throws
   * {@link IntegrityException} at its end if they do not match the manifest.
   *
   * @param path the artifact's path under the target's kind, as given at backup time
   * @return its stored bytes
   * @throws NotFoundException if the target has no such artifact
   */
  InputStream open(String path);

  /**
   * Reports that entries were restored; feeds the progress listener.
   *
   * @param count how many more entries are done
   */
  void entriesDone(long count);
}
