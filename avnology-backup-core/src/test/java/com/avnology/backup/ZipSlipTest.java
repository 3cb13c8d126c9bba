package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ZipSlipTest {
  @TempDir Path tmp;
  Path outside;
  Path target;
  FileSystemSink sink;

  /** An entry to craft: name, link target (for symlinks and hard links), type flag. */
  record Crafted(String name, String link, byte type) {
    static Crafted file(String name) {
      return new Crafted(name, null, TarConstants.LF_NORMAL);
    }

    static Crafted symlink(String name, String to) {
      return new Crafted(name, to, TarConstants.LF_SYMLINK);
    }
  }

  /** A "volume" whose artifact is a hand-made tar, as an attacker with write access would make. */
  record CraftedVolume(List<Crafted> entries) implements BackupTarget {
    @Override
    public String kind() {
      return VolumeTarget.KIND;
    }

    @Override
    public String name() {
      return "evil";
    }

    @Override
    public void backup(BackupContext context) {
      try (OutputStream raw = context.artifact("evil.tar", Compression.Algorithm.NONE);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(raw)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Crafted c : entries) {
          TarArchiveEntry e = new TarArchiveEntry(c.name(), c.type(), true);
          if (c.link() != null) {
            e.setLinkName(c.link());
          }
          byte[] body = "pwned\n".getBytes(StandardCharsets.UTF_8);
          if (c.type() == TarConstants.LF_NORMAL) {
            e.setSize(body.length);
          }
          tar.putArchiveEntry(e);
          if (c.type() == TarConstants.LF_NORMAL) {
            tar.write(body);
          }
          tar.closeArchiveEntry();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void restore(RestoreContext context) {
      throw new UnsupportedOperationException();
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    outside = Files.createDirectories(tmp.resolve("outside"));
    target = tmp.resolve("work/target");
    sink = FileSystemSink.of(tmp.resolve("sink"));
  }

  @Test
  void restore_dotDotEntry_refusedAndNothingWritten() throws IOException {
    assertRefused("'..' component", Crafted.file("ok.txt"), Crafted.file("../../outside/x.txt"));
  }

  @Test
  void restore_absoluteEntry_refusedAndNothingWritten() throws IOException {
    assertRefused("absolute", Crafted.file("ok.txt"), Crafted.file(outside + "/abs.txt"));
  }

  @Test
  void restore_fileThroughArchivedSymlink_refusedAndNothingWritten() throws IOException {
    assertRefused(
        "passes through the symbolic link link",
        Crafted.symlink("link", outside.toString()),
        Crafted.file("link/pwned.txt"));
  }

  @Test
  void restore_fileThroughNestedArchivedSymlink_refused() throws IOException {
    assertRefused(
        "passes through the symbolic link a/b",
        Crafted.file("a/ok.txt"),
        Crafted.symlink("a/b", "../../../outside"),
        Crafted.file("a/b/c/pwned.txt"));
  }

  @Test
  void restore_fileReplacingArchivedSymlink_refused() throws IOException {
    assertRefused(
        "replaces the symbolic link",
        Crafted.symlink("cert.pem", outside.resolve("victim").toString()),
        Crafted.file("cert.pem"));
  }

  @Test
  void restore_twoEntriesOfOneName_refused() throws IOException {
    // the second would silently replace the first
    assertRefused("same name", Crafted.file("a/cert.pem"), Crafted.file("a/cert.pem"));
  }

  @Test
  void restore_hardLink_refused() throws IOException {
    assertRefused("hard link", new Crafted("passwd", "/etc/passwd", TarConstants.LF_LINK));
  }

  @Test
  void restore_overwriteThroughSymlinkAlreadyOnDisk_refused() throws IOException {
    Files.createDirectories(target);
    Files.createSymbolicLink(target.resolve("sub"), outside);
    publish(Crafted.file("sub/pwned.txt"));

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .target(VolumeTarget.builder("evil", target).overwrite(true).build())
                    .build()
                    .execute())
        .isInstanceOf(BackupException.class)
        .hasRootCauseInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("passes through the symbolic link sub");
    assertThat(listAll(outside)).isEmpty();
  }

  @Test
  void restore_symlinkPointingOutside_isRestoredAsLinkButNeverFollowed() throws IOException {
    publish(Crafted.symlink("etc", outside.toString()), Crafted.file("data.txt"));

    RestorePlan.builder(sink).latest().volume("evil", target).build().execute();

    assertThat(Files.readSymbolicLink(target.resolve("etc"))).isEqualTo(outside);
    assertThat(target.resolve("data.txt")).hasContent("pwned");
    assertThat(listAll(outside)).isEmpty();
  }

  private void assertRefused(String why, Crafted... entries) throws IOException {
    publish(entries);

    assertThatThrownBy(
            () -> RestorePlan.builder(sink).latest().volume("evil", target).build().execute())
        .isInstanceOf(BackupException.class)
        .hasRootCauseInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("refused because")
        .hasMessageContaining(why)
        .hasMessageContaining("nothing outside the target directory was written");
    assertThat(listAll(outside)).isEmpty();
    assertThat(listAll(tmp.resolve("work"))).allMatch(Files::isDirectory);
    assertThat(listAll(tmp))
        .noneMatch(
            p ->
                p.getFileName().toString().contains("pwned")
                    || p.getFileName().toString().equals("x.txt")
                    || p.getFileName().toString().equals("abs.txt"));
  }

  private void publish(Crafted... entries) {
    Backup.builder().target(new CraftedVolume(List.of(entries))).sink(sink).build().run();
  }

  private static List<Path> listAll(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).toList();
    }
  }
}
