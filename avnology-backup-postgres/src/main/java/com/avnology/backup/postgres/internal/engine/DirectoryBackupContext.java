package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.BackupContext;
import com.avnology.backup.Compression;
import com.avnology.backup.StorageException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@link BackupContext} that writes artifacts as plain files under a directory. */
public final class DirectoryBackupContext implements BackupContext {
  private final Path dir;
  private final Compression compression;

  /**
   * @param dir where artifacts go ({@code <dir>/<path>})
   * @param compression what the target should use
   */
  public DirectoryBackupContext(Path dir, Compression compression) {
    this.dir = dir;
    this.compression = compression;
  }

  @Override
  public String setId() {
    return "export";
  }

  @Override
  public Compression compression() {
    return compression;
  }

  @Override
  public OutputStream artifact(String path, Compression.Algorithm algorithm) {
    try {
      Path file = dir.resolve(path);
      Files.createDirectories(file.getParent());
      return new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024);
    } catch (IOException e) {
      throw new StorageException("cannot write " + path + " under " + dir + ": " + e, e);
    }
  }

  @Override
  public void metadata(String key, String value) {}

  @Override
  public void option(String key, String value) {}

  @Override
  public void entriesDone(long count) {}
}
