package com.avnology.backup.testing;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Compression;
import com.avnology.backup.RestoreContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A target of any kind that stores one small artifact and the metadata it is given: for tests of
 * what reads manifests only (retention, status), where the kind's real engine would only cost time.
 * {@code failing} makes its backups fail, as a down database would.
 */
public final class LabelledTarget implements BackupTarget {
  private final String kind;
  private final String name;
  private final Supplier<Map<String, String>> metadata;
  private volatile boolean failing;

  /**
   * @param kind the kind written to the manifest, such as {@code postgres}
   * @param name the target's name
   * @param metadata the metadata each backup records
   */
  public LabelledTarget(String kind, String name, Supplier<Map<String, String>> metadata) {
    this.kind = kind;
    this.name = name;
    this.metadata = metadata;
  }

  /** Returns a target recording no metadata. */
  public static LabelledTarget of(String kind, String name) {
    return new LabelledTarget(kind, name, Map::of);
  }

  /**
   * Makes its next backups fail, or succeed again.
   *
   * @param failing whether its next backups fail
   */
  public void failing(boolean failing) {
    this.failing = failing;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void backup(BackupContext context) {
    if (failing) {
      throw new BackupException(kind + "/" + name + " is down (simulated)");
    }
    metadata.get().forEach(context::metadata);
    try (OutputStream out = context.artifact(name + ".txt", Compression.Algorithm.NONE)) {
      out.write((kind + "/" + name + " in " + context.setId()).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void restore(RestoreContext context) {
    throw new UnsupportedOperationException("a labelled test target cannot be restored");
  }
}
