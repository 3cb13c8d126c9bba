package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.IntegrityProblems;
import com.avnology.backup.internal.ManifestCodec;
import com.avnology.backup.internal.Names;
import com.avnology.backup.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published sets of a sink: list them, read their manifests, verify and delete them.
 *
 * <p>Immutable and thread-safe. Verification reads up to four artifacts at once.
 */
public final class BackupCatalog {
  private static final Logger log = LoggerFactory.getLogger(BackupCatalog.class);

  private final BackupSink sink;

  private BackupCatalog(BackupSink sink) {
    this.sink = sink;
  }

  /**
   * @param sink the sink to look into
   * @return its catalog
   */
  public static BackupCatalog of(BackupSink sink) {
    return new BackupCatalog(requireNonNull(sink, "null sink"));
  }

  /** @return published set ids, newest first */
  public List<String> ids() {
    return sink.list();
  }

  /** @return the newest published set's id, if any */
  public Optional<String> latest() {
    return sink.list().stream().findFirst();
  }

  /**
   * @return manifests of published sets, newest first; a set whose manifest cannot be read is
   *     logged and left out (see {@link #manifest(String)} for its error)
   */
  public List<Manifest> list() {
    List<Manifest> manifests = new ArrayList<>();
    for (String id : sink.list()) {
      try {
        manifests.add(manifest(id));
      } catch (BackupException e) {
        log.warn("set {} left out of the listing: {}", id, e.getMessage());
      }
    }
    return manifests;
  }

  /**
   * @param setId a published set's id
   * @return its manifest
   * @throws NotFoundException if there is no such set
   * @throws IntegrityException if its manifest is malformed
   */
  public Manifest manifest(String setId) {
    Names.checkSetId(requireNonNull(setId, "null setId"));
    try (BackupSink.SetReader reader = sink.open(setId)) {
      return ManifestCodec.read(setId, reader.manifest());
    }
  }

  /**
   * Reads every artifact of a set in full and compares its size and SHA-256 with the manifest.
   *
   * @param setId a published set's id
   * @return one check per artifact; never throws for a damaged artifact
   * @throws NotFoundException if there is no such set
   */
  public VerifyResult verify(String setId) {
    Manifest manifest = manifest(setId);
    List<Manifest.Artifact> artifacts =
        manifest.targets().stream().flatMap(t -> t.artifacts().stream()).toList();
    return verify(setId, artifacts);
  }

  VerifyResult verify(String setId, List<Manifest.Artifact> artifacts) {
    List<VerifyResult.Check> checks = new ArrayList<>();
    int threads = Math.max(1, Math.min(Math.min(4, artifacts.size()),
        Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "avnology-verify");
      t.setDaemon(true);
      return t;
    });
    try (BackupSink.SetReader reader = sink.open(setId)) {
      List<Future<String>> problems = new ArrayList<>();
      for (Manifest.Artifact artifact : artifacts) {
        problems.add(pool.submit(() -> check(reader, artifact)));
      }
      for (int i = 0; i < artifacts.size(); i++) {
        checks.add(new VerifyResult.Check(artifacts.get(i), problems.get(i).get()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("verification of set " + setId + " was interrupted", e);
    } catch (ExecutionException e) {
      throw new StorageException("verification of set " + setId + " failed: "
          + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return new VerifyResult(setId, checks);
  }

  private static String check(BackupSink.SetReader reader, Manifest.Artifact artifact) {
    MessageDigest digest = Sha256.digest();
    long size = 0;
    try (InputStream in = reader.artifact(artifact.path())) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        size += n;
      }
    } catch (NotFoundException e) {
      return "is missing";
    } catch (IOException | StorageException e) {
      return "cannot be read: " + e.getMessage();
    }
    return IntegrityProblems.compare(artifact, size, Sha256.hex(digest));
  }

  /**
   * Deletes a set: its manifest first, so it disappears from listings at once.
   *
   * @param setId a set's id
   * @throws NotFoundException if there is no such set
   */
  public void delete(String setId) {
    sink.delete(Names.checkSetId(requireNonNull(setId, "null setId")));
  }

  @Override
  public String toString() {
    return "BackupCatalog[" + sink + "]";
  }
}
