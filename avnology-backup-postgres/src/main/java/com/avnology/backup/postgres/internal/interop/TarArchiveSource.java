package com.avnology.backup.postgres.internal.interop;

import com.avnology.backup.postgres.internal.archive.ArchiveFormatException;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A tar-format archive ({@code pg_dump -Ft}) presented as an {@link ArchiveSource}: its members are
 * {@code toc.dat} and one {@code <dumpId>.dat} per data item, as in a directory archive
 * (pg_backup_tar.c); the {@code restore.sql} member is not used. Members are located once, then
 * each is read through its own file channel, so several can be read at once. Thread-safe.
 */
public final class TarArchiveSource implements ArchiveSource {
  private final Path file;
  private Map<String, Member> members;

  private record Member(long offset, long size) {}

  /**
   * @param file the tar file
   */
  public TarArchiveSource(Path file) {
    this.file = Objects.requireNonNull(file, "null file");
  }

  @Override
  public InputStream openToc() throws IOException {
    return open("toc.dat");
  }

  @Override
  public InputStream openData(String dataFile) throws IOException {
    Map<String, Member> m = members();
    if (!m.containsKey(dataFile) && m.containsKey(dataFile + ".gz")) {
      return new GZIPInputStream(open(dataFile + ".gz"), 65536);
    }
    return open(dataFile);
  }

  @Override
  public long dataSize(String dataFile) {
    try {
      Member m = members().get(dataFile);
      return m == null ? 0 : m.size();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public String describe() {
    return file.toString();
  }

  private InputStream open(String name) throws IOException {
    Member m = members().get(name);
    if (m == null) {
      throw new ArchiveFormatException(
          "tar archive "
              + file
              + " has no member "
              + name
              + (name.equals("toc.dat") ? ": not a pg_dump -Ft archive" : ""));
    }
    return new BufferedInputStream(
        FileRange.of(file, m.offset(), m.size(), "member " + name + " of tar archive " + file),
        65536);
  }

  private synchronized Map<String, Member> members() throws IOException {
    if (members == null) {
      if (!Files.isRegularFile(file)) {
        throw new java.nio.file.NoSuchFileException(file.toString());
      }
      Map<String, Member> m = new HashMap<>();
      try (TarFile tar = new TarFile(file)) {
        for (TarArchiveEntry e : tar.getEntries()) {
          if (e.isFile()) {
            m.put(e.getName(), new Member(e.getDataOffset(), e.getSize()));
          }
        }
      } catch (IOException | RuntimeException e) {
        throw new ArchiveFormatException(
            "cannot read tar archive " + file + ": " + e.getMessage(), e);
      }
      members = m;
    }
    return members;
  }
}
