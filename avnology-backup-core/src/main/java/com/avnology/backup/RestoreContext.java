package com.avnology.backup;

import java.io.InputStream;

/** What a {@link BackupTarget} reads its artifacts from during a restore. Thread-safe. */
public interface RestoreContext {
  /** {@return the id of the set being restored} */
  String setId();

  /** {@return the manifest entry of the target being restored} */
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
   * {@return the target's first artifact whose path starts so}
   *
   * @param start the start of an artifact path under the target's kind, such as {@code certs.tar}
   * @throws NotFoundException naming the set and target if there is none
   */
  default Manifest.Artifact artifactStartingWith(String start) {
    String prefix = manifest().kind() + "/" + start;
    return manifest().artifacts().stream()
        .filter(a -> a.path().startsWith(prefix))
        .findFirst()
        .orElseThrow(
            () ->
                new NotFoundException(
                    "set "
                        + setId()
                        + " has no artifact "
                        + prefix
                        + "* for "
                        + manifest().kind()
                        + "/"
                        + manifest().name()));
  }

  /**
   * Opens an artifact of this target and undoes its compression, as recorded in the manifest.
   *
   * @param artifact one of {@link #manifest()}'s artifacts
   * @return its uncompressed bytes; size and SHA-256 are checked as for {@link #open(String)}
   */
  default InputStream openDecompressed(Manifest.Artifact artifact) {
    String path = artifact.path().substring(manifest().kind().length() + 1);
    Compression.Algorithm algorithm =
        Compression.Algorithm.valueOf(artifact.compression().toUpperCase(java.util.Locale.ROOT));
    return Compression.decompress(algorithm, open(path));
  }

  /**
   * This target as stored in another published set of the same sink, read with the same key: the
   * set an incremental physical backup names as its {@code parent}. Its streams check size and
   * SHA-256 as {@link #open(String)}'s do.
   *
   * @param setId the other set's id
   * @return a context reading that set's artifacts of this target
   * @throws NotFoundException if there is no such set, or it does not hold this target
   * @throws KeyException if that set cannot be opened with this restore's key
   */
  default RestoreContext inSet(String setId) {
    throw new NotFoundException(
        "set " + setId + " cannot be read from this context: it reads set " + setId() + " only");
  }

  /**
   * Reports that entries were restored; feeds the progress listener.
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
