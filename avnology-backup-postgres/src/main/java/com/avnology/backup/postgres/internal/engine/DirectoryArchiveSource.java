package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.DataFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A directory-format archive in a local directory, as {@code pg_dump -Fd} writes it. */
public final class DirectoryArchiveSource implements ArchiveSource {
  private final Path dir;

  /**
   * @param dir the archive directory, holding {@code toc.dat}
   */
  public DirectoryArchiveSource(Path dir) {
    this.dir = dir;
  }

  @Override
  public InputStream openToc() throws IOException {
    return Files.newInputStream(dir.resolve("toc.dat"));
  }

  @Override
  public InputStream openData(String dataFile) throws IOException {
    return DataFiles.openForRead(dir, dataFile);
  }

  @Override
  public long dataSize(String dataFile) {
    return DataFiles.find(dir, dataFile).map(p -> p.toFile().length()).orElse(0L);
  }

  @Override
  public String describe() {
    return dir.toString();
  }
}
