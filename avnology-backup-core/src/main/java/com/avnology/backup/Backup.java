package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.BackupRun;
import com.avnology.backup.internal.LibraryVersion;
import com.avnology.backup.internal.ManifestCodec;
import com.avnology.backup.internal.Names;
import com.avnology.backup.internal.ProgressTracker;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup job: which targets go to which sink, and how. Built once, run as often as wanted; each
 * {@link #run()} writes one new backup set and publishes it only when every artifact is stored.
 *
 * <pre>{@code
 * Backup backup = Backup.builder()
 *     .target(VolumeTarget.of("certs", Path.of("/letsencrypt")))
 *     .sink(FileSystemSink.of(Path.of("/backups")))
 *     .compression(Compression.zstd(1))
 *     .build();
 * BackupResult result = backup.run();
 * }</pre>
 *
 * <p>Immutable and thread-safe; concurrent runs write distinct sets.
 */
public final class Backup {
  private static final Logger log = LoggerFactory.getLogger(Backup.class);

  private final List<BackupTarget> targets;
  private final BackupSink sink;
  private final Compression compression;
  private final ProgressListener listener;
  private final Clock clock;
  private final Encryption encryption;

  private Backup(Builder b) {
    this.targets = List.copyOf(b.targets);
    this.sink = b.sink;
    this.compression = b.compression;
    this.listener = b.listener;
    this.clock = b.clock;
    this.encryption = b.encryption;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads and initializes the classes of this library's core that every backup, restore and verify
   * uses (the manifest codec with its JSON factory), so that a short-lived process, such as a
   * command-line tool calling this from a background thread while it parses its arguments, does not
   * pay for them on its first command. Has no effects beyond class initialization; calling it is
   * never needed, and calling it again does nothing more. Thread-safe.
   *
   * @throws LinkageError if a class cannot be loaded or initialized; its first real use would fail
   *     the same way
   */
  public static void preload() {
    initialize(ManifestCodec.class);
  }

  /** Initializes {@code c} as its first use would. */
  private static void initialize(Class<?> c) {
    try {
      Class.forName(c.getName(), true, c.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new NoClassDefFoundError(c.getName()); // cannot happen: c is loaded
    }
  }

  /** {@return the targets, in backup order} */
  public List<BackupTarget> targets() {
    return targets;
  }

  /** {@return the sink} */
  public BackupSink sink() {
    return sink;
  }

  /** {@return the compression} */
  public Compression compression() {
    return compression;
  }

  /** {@return the encryption, if the sets are encrypted} */
  public java.util.Optional<Encryption> encryption() {
    return java.util.Optional.ofNullable(encryption);
  }

  /**
   * Backs up every target into a new set and publishes it. On any failure the set is removed and
   * never listed.
   *
   * @return the published set
   * @throws KeyException if encryption is configured but cannot be applied; no set was started
   * @throws BackupException if any target or the sink fails; nothing is published then
   */
  public BackupResult run() {
    Instant started = clock.instant();
    String setId = Names.newSetId(started);
    // Fails closed: the key is resolved and the cipher tried before the set exists.
    Encryption.Begun keys = encryption == null ? null : encryption.begin(setId);
    if (keys != null) {
      log.debug(
          "set {} is encrypted: {}, {} source, key derivation {}",
          setId,
          encryption,
          keys.info().keySource(),
          keys.info().kdf());
    }
    ProgressTracker progress = new ProgressTracker(listener, setId);
    List<TargetResult> results = new ArrayList<>();
    List<Manifest.Target> entries = new ArrayList<>();
    BackupSink.SetWriter writer = sink.create(setId);
    try {
      for (BackupTarget target : targets) {
        String label = target.kind() + "/" + target.name();
        progress.phase(Progress.Phase.BACKUP, label);
        log.info("backing up {} into set {} of {}", label, setId, sink);
        BackupRun.Outcome outcome;
        try {
          outcome =
              BackupRun.run(
                  target,
                  writer,
                  setId,
                  compression,
                  progress,
                  clock,
                  keys == null ? null : keys.keys(),
                  new SinkSets(sink, encryption));
        } catch (RuntimeException e) {
          throw failure(setId, label, e);
        }
        entries.add(outcome.manifest());
        results.add(outcome.result());
      }
      progress.phase(Progress.Phase.PUBLISH, "");
      Instant finished = clock.instant();
      Manifest.Builder made =
          Manifest.builder(setId)
              .startedAt(started)
              .finishedAt(finished)
              .libraryVersion(LibraryVersion.get())
              .targets(entries);
      Manifest manifest = (keys == null ? made : made.encryption(keys.info())).build();
      writer.publish(ManifestCodec.write(manifest, keys == null ? null : keys.keys()));
      progress.phase(Progress.Phase.DONE, "");
      log.info("published set {} ({} bytes) in {}", setId, manifest.totalSize(), sink);
      return new BackupResult(setId, started, finished, results);
    } catch (RuntimeException e) {
      try {
        writer.abort();
      } catch (RuntimeException abortFailure) {
        e.addSuppressed(abortFailure);
      }
      throw e;
    } finally {
      writer.close();
    }
  }

  private static BackupException failure(String setId, String target, RuntimeException e) {
    String what =
        "backup of " + target + " failed, set " + setId + " was not published: " + e.getMessage();
    if (e instanceof BackupException) {
      return new BackupException(what, e);
    }
    return new BackupException(what + " (" + e.getClass().getSimpleName() + ")", e);
  }

  @Override
  public String toString() {
    return "Backup[targets="
        + targets.stream().map(t -> t.kind() + "/" + t.name()).toList()
        + ", sink="
        + sink
        + ", compression="
        + compression
        + (encryption == null ? "" : ", " + encryption)
        + "]";
  }

  /**
   * Collects a backup's settings. {@link #build()} leaves the builder unchanged, so one builder can
   * make several jobs. Not thread-safe.
   */
  public static final class Builder {
    private final List<BackupTarget> targets = new ArrayList<>();
    private BackupSink sink;
    private Compression compression = Compression.zstd(1);
    private ProgressListener listener = ProgressListener.NONE;
    private Clock clock = Clock.systemUTC();
    private Encryption encryption;

    private Builder() {}

    /**
     * {@return this builder}
     *
     * @param encryption encrypts and authenticates every set; {@code null} (the default) writes
     *     unencrypted sets, whose manifest carries only an unkeyed checksum
     */
    public Builder encryption(Encryption encryption) {
      this.encryption = encryption;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param target something to back up; targets run in the order added
     */
    public Builder target(BackupTarget target) {
      targets.add(requireNonNull(target, "null target"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param sink where the set is written
     */
    public Builder sink(BackupSink sink) {
      this.sink = requireNonNull(sink, "null sink");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param compression how artifacts are compressed; zstd level 1 by default
     */
    public Builder compression(Compression compression) {
      this.compression = requireNonNull(compression, "null compression");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param listener told of progress; must be thread-safe
     */
    public Builder listener(ProgressListener listener) {
      this.listener = requireNonNull(listener, "null listener");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param clock the time source for set ids and timestamps; the system UTC clock by default
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "null clock");
      return this;
    }

    /**
     * {@return the backup job}
     *
     * @throws IllegalStateException if no sink or no target was given, or two targets share a kind
     *     and name
     */
    public Backup build() {
      if (sink == null) {
        throw new IllegalStateException("no sink: call sink(...) before build()");
      }
      if (targets.isEmpty()) {
        throw new IllegalStateException("no target: call target(...) at least once before build()");
      }
      Set<String> seen = new HashSet<>();
      for (BackupTarget t : targets) {
        if (!seen.add(t.kind() + "/" + t.name())) {
          throw new IllegalStateException(
              "two targets are named " + t.kind() + "/" + t.name() + ": give each a distinct name");
        }
      }
      return new Backup(this);
    }
  }
}
