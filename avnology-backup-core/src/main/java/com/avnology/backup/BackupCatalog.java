package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.DecryptingInputStream;
import com.avnology.backup.internal.IntegrityProblems;
import com.avnology.backup.internal.ManifestCodec;
import com.avnology.backup.internal.Names;
import com.avnology.backup.internal.SetKeys;
import com.avnology.backup.internal.Sha256;
import java.io.FilterInputStream;
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
 * <p>Without a key ({@link #of(BackupSink)}) manifests are checked against their own SHA-256 only
 * and verification compares each artifact's stored size and SHA-256, which works for encrypted sets
 * too. With a key ({@link Builder#encryption(Encryption)}) {@link #manifest(String)} also
 * authenticates an encrypted set's manifest (HMAC) and {@link #verify(String)} also decrypts and
 * authenticates every chunk; an unencrypted set is then refused, since it could be a replacement.
 *
 * <p>Immutable and thread-safe. Verification reads up to four artifacts at once.
 */
public final class BackupCatalog {
  private static final Logger log = LoggerFactory.getLogger(BackupCatalog.class);

  private final BackupSink sink;
  private final Encryption encryption;

  private BackupCatalog(BackupSink sink, Encryption encryption) {
    this.sink = sink;
    this.encryption = encryption;
  }

  /**
   * {@return its catalog, reading without a key; the same as {@code builder(sink).build()}}
   *
   * @param sink the sink to look into
   */
  public static BackupCatalog of(BackupSink sink) {
    return new BackupCatalog(requireNonNull(sink, "null sink"), null);
  }

  /**
   * {@return a builder of its catalog, reading without a key unless given one}
   *
   * @param sink the sink to look into
   */
  public static Builder builder(BackupSink sink) {
    return new Builder(requireNonNull(sink, "null sink"));
  }

  /** Collects a catalog's settings. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final BackupSink sink;
    private Encryption encryption;

    private Builder(BackupSink sink) {
      this.sink = sink;
    }

    /**
     * {@return this builder}
     *
     * @param encryption the key of the sink's encrypted sets: manifests and content are then
     *     authenticated with it
     */
    public Builder encryption(Encryption encryption) {
      this.encryption = requireNonNull(encryption, "null encryption");
      return this;
    }

    /** {@return the catalog} */
    public BackupCatalog build() {
      return new BackupCatalog(sink, encryption);
    }
  }

  /** {@return published set ids, newest first} */
  public List<String> ids() {
    return sink.list();
  }

  /**
   * The newest set that {@link #entries()} shows as good: a damaged newer set is skipped (with a
   * warning naming it), never taken, so {@code latest} is the set a listing shows as newest good.
   *
   * @return the newest published set whose manifest reads, if any
   * @throws NotFoundException if the sink itself does not exist
   * @throws StorageException if a manifest cannot be read for another reason than damage
   */
  public Optional<String> latest() {
    return latestRead().map(Read::id);
  }

  /**
   * {@return as {@link #latest()}, with the manifest's bytes as read, which {@link #open(Read)}
   * takes instead of reading them again}
   */
  Optional<Read> latestRead() {
    for (String id : sink.list()) {
      Read read;
      try {
        read = read(id);
      } catch (NotFoundException e) {
        continue;
      } catch (IntegrityException e) {
        log.warn(
            "set {} is damaged and is not the latest: {}",
            id,
            e.getMessage().replaceAll("\\s+", " "));
        continue;
      }
      return Optional.of(read);
    }
    return Optional.empty();
  }

  /**
   * A set's manifest as read: its bytes (checked against their SHA-256, kept for authentication
   * with a key) and what they say. Not to be changed.
   */
  static final class Read {
    private final String id;
    private final byte[] bytes;
    private final Manifest manifest;

    Read(String id, byte[] bytes, Manifest manifest) {
      this.id = id;
      this.bytes = bytes;
      this.manifest = manifest;
    }

    String id() {
      return id;
    }

    byte[] bytes() {
      return bytes;
    }

    Manifest manifest() {
      return manifest;
    }
  }

  private Read read(String setId) {
    Names.checkSetId(requireNonNull(setId, "null setId"));
    byte[] bytes;
    try (BackupSink.SetReader reader = sink.open(setId)) {
      bytes = reader.manifest();
    }
    return new Read(setId, bytes, ManifestCodec.read(setId, bytes));
  }

  /**
   * Every published set, good or damaged, newest first: what a listing shows. Manifests are checked
   * against their SHA-256 but not authenticated (that takes a key derivation per set).
   *
   * @return one entry per published set
   * @throws NotFoundException if the sink itself does not exist
   * @throws StorageException if a manifest cannot be read for another reason than damage
   */
  public List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    for (String id : sink.list()) {
      Entry entry = entry(id);
      if (entry != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  /**
   * {@return manifests of the good published sets, newest first (as {@link #entries()}, without the
   * damaged ones, each of which is logged as a one-line warning)}
   *
   * @throws NotFoundException if the sink itself does not exist
   */
  public List<Manifest> list() {
    List<Manifest> manifests = new ArrayList<>();
    for (Entry entry : entries()) {
      if (entry.damaged()) {
        log.warn("set {} left out of the listing: {}", entry.id(), entry.damage().orElseThrow());
      } else {
        manifests.add(entry.manifest().orElseThrow());
      }
    }
    return manifests;
  }

  /**
   * @return the set's entry, or {@code null} if it was deleted since it was listed
   */
  private Entry entry(String id) {
    try {
      return new Entry(id, unauthenticated(id).manifest(), null);
    } catch (IntegrityException e) {
      return new Entry(id, null, e.getMessage().replaceAll("\\s+", " "));
    } catch (NotFoundException e) {
      return null;
    }
  }

  /**
   * One published set as a listing shows it: its manifest, or why it is damaged. Immutable and
   * thread-safe.
   */
  public static final class Entry {
    private final String id;
    private final Manifest manifest;
    private final String damage;

    private Entry(String id, Manifest manifest, String damage) {
      this.id = id;
      this.manifest = manifest;
      this.damage = damage;
    }

    /** {@return the set's id} */
    public String id() {
      return id;
    }

    /** {@return the set's manifest, unless the set is damaged} */
    public Optional<Manifest> manifest() {
      return Optional.ofNullable(manifest);
    }

    /** {@return whether the set's manifest cannot be read (malformed, damaged)} */
    public boolean damaged() {
      return damage != null;
    }

    /** {@return why the set is damaged, in one line, if it is} */
    public Optional<String> damage() {
      return Optional.ofNullable(damage);
    }

    @Override
    public String toString() {
      return "Entry[" + id + (damage == null ? "" : ", damaged: " + damage) + "]";
    }
  }

  /**
   * {@return its manifest, authenticated if this catalog has a key}
   *
   * @param setId a published set's id
   * @throws NotFoundException if there is no such set
   * @throws IntegrityException if its manifest is malformed, damaged or (with a key) fails
   *     authentication
   * @throws KeyException if this catalog has a key and it does not open the set, or the set is not
   *     encrypted
   */
  public Manifest manifest(String setId) {
    return open(setId).manifest();
  }

  /** A set's manifest and, if it is encrypted and a key was given, its keys. */
  record Opened(Manifest manifest, SetKeys keys) {}

  private Opened unauthenticated(String setId) {
    return new Opened(read(setId).manifest(), null);
  }

  /** Reads a set's manifest and, with a key, unwraps its keys and authenticates it. */
  Opened open(String setId) {
    return open(read(setId));
  }

  /** As {@link #open(String)}, on a manifest already read. */
  Opened open(Read read) {
    String setId = read.id();
    byte[] bytes = read.bytes();
    Manifest manifest = read.manifest();
    if (encryption == null) {
      return new Opened(manifest, null);
    }
    if (!manifest.encrypted()) {
      throw new KeyException(
          "set "
              + setId
              + " is not encrypted, but a key was given: it may have"
              + " replaced an encrypted set; if it is meant to be unencrypted, read it without a key");
    }
    SetKeys keys = encryption.open(manifest);
    ManifestCodec.authenticate(setId, bytes, keys);
    return new Opened(manifest, keys);
  }

  /**
   * Reads every artifact of a set in full and compares its size and SHA-256 with the manifest. An
   * incremental physical backup's parent sets are checked too, up to the full backup: their checks'
   * paths start with the parent's id, and a parent set that is gone is a failed check of {@code
   * <id>/manifest.json}.
   *
   * @param setId a published set's id
   * @return one check per artifact; never throws for a damaged artifact
   * @throws NotFoundException if there is no such set
   */
  public VerifyResult verify(String setId) {
    Opened opened = open(setId);
    List<Manifest.Artifact> artifacts =
        opened.manifest().targets().stream().flatMap(t -> t.artifacts().stream()).toList();
    VerifyResult own = verify(setId, artifacts, opened.keys());
    List<VerifyResult.Check> chain = verifyChains(setId, opened.manifest().targets());
    if (chain.isEmpty()) {
      return own;
    }
    List<VerifyResult.Check> all = new ArrayList<>(own.checks());
    all.addAll(chain);
    return new VerifyResult(setId, all);
  }

  /** The kind whose {@code parent} metadata names the set an incremental backup builds on. */
  private static final String PHYSICAL = "physical";

  /**
   * Verifies the sets that incremental physical targets build on, up to their full backups: every
   * artifact of the same target in each parent set. The checks' artifact paths start with the
   * parent's set id ({@code <id>/physical/cluster.part-0.tar.zst}); a parent set that is gone or
   * unreadable is one failed check on {@code <id>/manifest.json}.
   */
  List<VerifyResult.Check> verifyChains(String setId, List<Manifest.Target> targets) {
    List<VerifyResult.Check> checks = new ArrayList<>();
    for (Manifest.Target target : targets) {
      String child = setId;
      String parent = target.kind().equals(PHYSICAL) ? target.metadata().get("parent") : null;
      java.util.Set<String> seen = new java.util.HashSet<>();
      while (parent != null && seen.add(parent)) {
        String label = target.kind() + "/" + target.name();
        Manifest.Target entry;
        Opened opened;
        try {
          opened = open(parent);
          entry =
              opened
                  .manifest()
                  .target(target.kind(), target.name())
                  .orElseThrow(() -> new NotFoundException("holds no " + label));
        } catch (BackupException e) {
          String problem =
              e instanceof NotFoundException && !e.getMessage().startsWith("holds")
                  ? "is missing"
                  : "cannot be read: " + e.getMessage();
          checks.add(
              new VerifyResult.Check(
                  Manifest.Artifact.builder(parent + "/" + BackupSink.MANIFEST)
                      .size(0)
                      .sha256("-")
                      .compression("none")
                      .build(),
                  problem
                      + " (parent of "
                      + label
                      + " in set "
                      + child
                      + "; the chain cannot be restored: take a full backup)"));
          break;
        }
        for (VerifyResult.Check c : verify(parent, entry.artifacts(), opened.keys()).checks()) {
          Manifest.Artifact a = c.artifact();
          checks.add(
              new VerifyResult.Check(
                  Manifest.Artifact.builder(parent + "/" + a.path())
                      .size(a.size())
                      .sha256(a.sha256())
                      .compression(a.compression())
                      .build(),
                  c.problem()));
        }
        child = parent;
        parent = entry.metadata().get("parent");
      }
    }
    return checks;
  }

  VerifyResult verify(String setId, List<Manifest.Artifact> artifacts, SetKeys keys) {
    List<VerifyResult.Check> checks = new ArrayList<>();
    int threads =
        Math.max(
            1, Math.min(Math.min(4, artifacts.size()), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "avnology-verify");
              t.setDaemon(true);
              return t;
            });
    try (BackupSink.SetReader reader = sink.open(setId)) {
      List<Future<String>> problems = new ArrayList<>();
      for (Manifest.Artifact artifact : artifacts) {
        problems.add(pool.submit(() -> check(reader, artifact, keys)));
      }
      for (int i = 0; i < artifacts.size(); i++) {
        checks.add(new VerifyResult.Check(artifacts.get(i), problems.get(i).get()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("verification of set " + setId + " was interrupted", e);
    } catch (ExecutionException e) {
      throw new StorageException(
          "verification of set " + setId + " failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return new VerifyResult(setId, checks);
  }

  private static String check(
      BackupSink.SetReader reader, Manifest.Artifact artifact, SetKeys keys) {
    MessageDigest digest = Sha256.digest();
    long[] size = {0};
    String decryption = "";
    try (InputStream raw = reader.artifact(artifact.path())) {
      InputStream counted =
          new FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
              byte[] one = new byte[1];
              int n = read(one, 0, 1);
              return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int n = in.read(b, off, len);
              if (n > 0) {
                digest.update(b, off, n);
                size[0] += n;
              }
              return n;
            }
          };
      byte[] buffer = new byte[64 * 1024];
      if (keys != null) {
        try {
          InputStream plain = new DecryptingInputStream(counted, keys, artifact.path());
          while (plain.read(buffer) >= 0) {
            // authenticates every chunk
          }
        } catch (IntegrityException e) {
          decryption = "fails decryption: " + e.getMessage();
        }
      }
      while (counted.read(buffer) >= 0) {
        // the rest, for size and hash
      }
    } catch (NotFoundException e) {
      return "is missing";
    } catch (IOException | StorageException e) {
      return "cannot be read: " + e.getMessage();
    }
    String problem = IntegrityProblems.compare(artifact, size[0], Sha256.hex(digest));
    return problem.isEmpty() ? decryption : problem;
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
    return "BackupCatalog[" + sink + (encryption == null ? "" : ", " + encryption) + "]";
  }
}
