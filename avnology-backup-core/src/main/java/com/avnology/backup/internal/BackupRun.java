package com.avnology.backup.internal;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupSink;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Compression;
import com.avnology.backup.Manifest;
import com.avnology.backup.TargetResult;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Backs up one target into an open set: the {@link BackupContext} a target sees. Thread-safe. */
public final class BackupRun implements BackupContext {
  private final BackupTarget target;
  private final BackupSink.SetWriter writer;
  private final String setId;
  private final Compression compression;
  private final ProgressTracker progress;
  private final Map<String, Manifest.Artifact> artifacts = new ConcurrentSkipListMap<>();
  private final Map<String, Boolean> open = new ConcurrentHashMap<>();
  private final Map<String, String> metadata = new ConcurrentHashMap<>();
  private final Map<String, String> options = new ConcurrentHashMap<>();
  private final long entriesBefore;
  private final SetKeys keys;
  private OtherSets others = OtherSets.NONE;

  private BackupRun(
      BackupTarget target,
      BackupSink.SetWriter writer,
      String setId,
      Compression compression,
      ProgressTracker progress,
      SetKeys keys) {
    this.keys = keys;
    this.target = target;
    this.writer = writer;
    this.setId = setId;
    this.compression = compression;
    this.progress = progress;
    this.entriesBefore = progress.entries();
  }

  /**
   * Runs {@code target.backup} and checks that every artifact it opened was closed.
   *
   * @return the manifest entry and the result for the target
   */
  public static Outcome run(
      BackupTarget target,
      BackupSink.SetWriter writer,
      String setId,
      Compression compression,
      ProgressTracker progress,
      Clock clock) {
    return run(target, writer, setId, compression, progress, clock, null);
  }

  /**
   * Runs {@code target.backup}, encrypting every artifact when {@code keys} is given.
   *
   * @return the manifest entry and the result for the target
   */
  public static Outcome run(
      BackupTarget target,
      BackupSink.SetWriter writer,
      String setId,
      Compression compression,
      ProgressTracker progress,
      Clock clock,
      SetKeys keys) {
    return run(target, writer, setId, compression, progress, clock, keys, OtherSets.NONE);
  }

  /**
   * Runs {@code target.backup}, encrypting every artifact when {@code keys} is given; the target
   * reads the sink's published sets through {@code others}.
   *
   * @return the manifest entry and the result for the target
   */
  public static Outcome run(
      BackupTarget target,
      BackupSink.SetWriter writer,
      String setId,
      Compression compression,
      ProgressTracker progress,
      Clock clock,
      SetKeys keys,
      OtherSets others) {
    BackupRun run = new BackupRun(target, writer, setId, compression, progress, keys);
    run.others = others;
    Instant start = clock.instant();
    target.backup(run);
    if (!run.open.isEmpty()) {
      throw new BackupException(
          "target "
              + target.kind()
              + "/"
              + target.name()
              + " left artifacts unfinished: "
              + run.open.keySet()
              + "; this is a bug in the target");
    }
    run.options.putIfAbsent("compression", compression.toString());
    List<Manifest.Artifact> list = new ArrayList<>(run.artifacts.values());
    Manifest.Target entry =
        Manifest.Target.builder(target.kind(), target.name())
            .options(run.options)
            .metadata(run.metadata)
            .artifacts(list)
            .build();
    TargetResult result =
        new TargetResult(
            target.kind(),
            target.name(),
            Duration.between(start, clock.instant()),
            progress.entries() - run.entriesBefore,
            list);
    return new Outcome(entry, result);
  }

  /**
   * A target's manifest entry and result.
   *
   * @param manifest for the manifest
   * @param result for the caller
   */
  public record Outcome(Manifest.Target manifest, TargetResult result) {}

  @Override
  public String setId() {
    return setId;
  }

  @Override
  public Compression compression() {
    return compression;
  }

  @Override
  public OutputStream artifact(String path, Compression.Algorithm algorithm) {
    Names.checkArtifactPath(path);
    if (!path.startsWith(target.name() + ".") && !path.startsWith(target.name() + "/")) {
      throw new IllegalArgumentException(
          "artifact path '"
              + path
              + "' must start with the target's name '"
              + target.name()
              + "' followed by '.' or '/'");
    }
    String full = target.kind() + "/" + path;
    if (artifacts.containsKey(full) || open.putIfAbsent(full, Boolean.TRUE) != null) {
      throw new IllegalArgumentException("artifact '" + full + "' was already written");
    }
    String codec = algorithm.name().toLowerCase(java.util.Locale.ROOT);
    OutputStream stored =
        new HashingOutputStream(
            writer.artifact(full),
            progress::bytes,
            (size, sha) -> {
              artifacts.put(
                  full,
                  Manifest.Artifact.builder(full)
                      .size(size)
                      .sha256(sha)
                      .compression(codec)
                      .build());
              open.remove(full);
            });
    return keys == null ? stored : new EncryptingOutputStream(stored, keys, full);
  }

  @Override
  public List<Manifest> publishedSets() {
    return others.list();
  }

  @Override
  public com.avnology.backup.RestoreContext publishedSet(String otherSetId) {
    return others.open(otherSetId, target.kind(), target.name(), progress);
  }

  @Override
  public void metadata(String key, String value) {
    metadata.put(key, value);
  }

  @Override
  public void option(String key, String value) {
    options.put(key, value);
  }

  @Override
  public void entriesDone(long count) {
    progress.entries(count);
  }

  @Override
  public void expect(long entries, long rows) {
    progress.expect(entries, -1, rows);
  }

  @Override
  public void rowsDone(long count) {
    progress.rows(count);
  }
}
