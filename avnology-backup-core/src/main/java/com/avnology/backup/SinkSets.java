package com.avnology.backup;

import com.avnology.backup.internal.OtherSets;
import com.avnology.backup.internal.ProgressTracker;
import com.avnology.backup.internal.RestoreRun;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** {@link OtherSets} over a sink's catalog, with or without a key. Thread-safe. */
final class SinkSets implements OtherSets {
  private final BackupSink sink;
  private final BackupCatalog catalog;

  SinkSets(BackupSink sink, Encryption encryption) {
    this.sink = sink;
    this.catalog =
        encryption == null
            ? BackupCatalog.of(sink)
            : BackupCatalog.builder(sink).encryption(encryption).build();
  }

  @Override
  public List<Manifest> list() {
    return BackupCatalog.of(sink).list();
  }

  @Override
  public RestoreContext open(String setId, String kind, String name, ProgressTracker progress) {
    BackupCatalog.Opened opened = catalog.open(setId);
    Manifest.Target entry =
        opened
            .manifest()
            .target(kind, name)
            .orElseThrow(
                () -> new NotFoundException("set " + setId + " holds no " + kind + "/" + name));
    if (opened.manifest().encrypted() && opened.keys() == null) {
      throw new KeyException("set " + setId + " is encrypted: give its key to read it");
    }
    return new RestoreRun(setId, entry, new LazyReader(sink, setId), progress, opened.keys(), this);
  }

  /** Opens the set per artifact, and closes it with the artifact's stream. */
  private record LazyReader(BackupSink sink, String setId) implements BackupSink.SetReader {
    @Override
    public byte[] manifest() {
      try (BackupSink.SetReader r = sink.open(setId)) {
        return r.manifest();
      }
    }

    @Override
    public InputStream artifact(String path) {
      BackupSink.SetReader reader = sink.open(setId);
      try {
        return new FilterInputStream(reader.artifact(path)) {
          @Override
          public void close() throws IOException {
            try (reader) {
              super.close();
            }
          }
        };
      } catch (RuntimeException e) {
        reader.close();
        throw e;
      }
    }

    @Override
    public void close() {}
  }
}
