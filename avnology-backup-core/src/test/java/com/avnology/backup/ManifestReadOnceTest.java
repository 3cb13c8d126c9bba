package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore of the latest set reads its manifest once: the read that finds the newest good set is
 * the one the restore uses (from S3, each read is a GET).
 */
final class ManifestReadOnceTest {
  @TempDir Path tmp;

  @Test
  void restoreOfTheLatestSet_readsItsManifestOnce() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "hello");
    FileSystemSink files = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder().target(VolumeTarget.of("data", data)).sink(files).build().run();
    AtomicInteger reads = new AtomicInteger();
    BackupSink counting = new CountingSink(files, reads);

    RestorePlan.builder(counting).latest().volume("data", tmp.resolve("out")).build().execute();

    assertThat(Files.readString(tmp.resolve("out/a.txt"))).isEqualTo("hello");
    assertThat(reads).hasValue(1);
  }

  /** The real sink, counting how often a manifest is read. */
  private record CountingSink(BackupSink sink, AtomicInteger reads) implements BackupSink {
    @Override
    public SetWriter create(String setId) {
      return sink.create(setId);
    }

    @Override
    public List<String> list() {
      return sink.list();
    }

    @Override
    public SetReader open(String setId) {
      SetReader reader = sink.open(setId);
      return new SetReader() {
        @Override
        public byte[] manifest() {
          reads.incrementAndGet();
          return reader.manifest();
        }

        @Override
        public InputStream artifact(String path) {
          return reader.artifact(path);
        }

        @Override
        public void close() {
          reader.close();
        }
      };
    }

    @Override
    public void delete(String setId) {
      sink.delete(setId);
    }

    @Override
    public boolean putObjectIfAbsent(String key, InputStream content) {
      return sink.putObjectIfAbsent(key, content);
    }

    @Override
    public Optional<InputStream> openObject(String key) {
      return sink.openObject(key);
    }

    @Override
    public List<String> listObjects(String prefix) {
      return sink.listObjects(prefix);
    }

    @Override
    public void deleteObjects(List<String> keys) {
      sink.deleteObjects(keys);
    }

    @Override
    public String toString() {
      return sink.toString();
    }
  }
}
