package com.avnology.backup.internal;

import com.avnology.backup.BackupSink;
import com.avnology.backup.Manifest;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.RestoreContext;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/** The {@link RestoreContext} one target sees during a restore. Thread-safe. */
public final class RestoreRun implements RestoreContext {
  private final String setId;
  private final Manifest.Target target;
  private final BackupSink.SetReader reader;
  private final ProgressTracker progress;

  /** The target's artifacts by path (a restore opens thousands). */
  private final Map<String, Manifest.Artifact> byPath;

  private final SetKeys keys;
  private final OtherSets others;

  /**
   * @param setId the set restored
   * @param target the target's manifest entry
   * @param reader the set's reader
   * @param progress the run's progress
   */
  public RestoreRun(
      String setId, Manifest.Target target, BackupSink.SetReader reader, ProgressTracker progress) {
    this(setId, target, reader, progress, null);
  }

  /**
   * @param setId the set restored
   * @param target the target's manifest entry
   * @param reader the set's reader
   * @param progress the run's progress
   * @param keys the set's keys if it is encrypted, else {@code null}
   */
  public RestoreRun(
      String setId,
      Manifest.Target target,
      BackupSink.SetReader reader,
      ProgressTracker progress,
      SetKeys keys) {
    this(setId, target, reader, progress, keys, OtherSets.NONE);
  }

  /**
   * @param setId the set restored
   * @param target the target's manifest entry
   * @param reader the set's reader
   * @param progress the run's progress
   * @param keys the set's keys if it is encrypted, else {@code null}
   * @param others the sink's other sets, for {@link #inSet(String)}
   */
  public RestoreRun(
      String setId,
      Manifest.Target target,
      BackupSink.SetReader reader,
      ProgressTracker progress,
      SetKeys keys,
      OtherSets others) {
    this.others = others;
    this.keys = keys;
    this.setId = setId;
    this.target = target;
    this.reader = reader;
    this.progress = progress;
    Map<String, Manifest.Artifact> paths = new HashMap<>();
    for (Manifest.Artifact a : target.artifacts()) {
      paths.putIfAbsent(a.path(), a);
    }
    this.byPath = paths;
  }

  @Override
  public String setId() {
    return setId;
  }

  @Override
  public Manifest.Target manifest() {
    return target;
  }

  @Override
  public InputStream open(String path) {
    String full = target.kind() + "/" + path;
    Manifest.Artifact artifact = byPath.get(full);
    if (artifact == null) {
      throw new NotFoundException(
          "set "
              + setId
              + " has no artifact "
              + full
              + " for "
              + target.kind()
              + "/"
              + target.name());
    }
    InputStream stored = new VerifyingInputStream(reader.artifact(full), artifact, progress::bytes);
    return keys == null ? stored : new DecryptingInputStream(stored, keys, full);
  }

  @Override
  public RestoreContext inSet(String otherSetId) {
    return others.open(otherSetId, target.kind(), target.name(), progress);
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
