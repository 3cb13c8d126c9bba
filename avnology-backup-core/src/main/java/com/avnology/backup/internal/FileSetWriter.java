package com.avnology.backup.internal;

import com.avnology.backup.BackupSink;
import com.avnology.backup.StorageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes one set of a {@link com.avnology.backup.FileSystemSink}: each file under a temporary name,
 * synced, then renamed; the manifest last. Holds the set's {@link SetLock} until it is published or
 * aborted, so that other backups leave it alone while this process lives. Thread-safe.
 */
public final class FileSetWriter implements BackupSink.SetWriter {
  private static final String PARTIAL = ".partial";
  private final Path dir;
  private final SetLock lock;
  private final java.util.Set<Path> directories = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean published;
  private volatile boolean aborted;

  private FileSetWriter(Path dir, SetLock lock) {
    this.dir = dir;
    this.lock = lock;
  }

  /**
   * Creates the set's directory and locks it.
   *
   * @param dir the set's directory, which must not exist yet
   * @return the writer
   * @throws java.nio.file.FileAlreadyExistsException if it exists
   * @throws IOException if it cannot be created
   */
  public static FileSetWriter create(Path dir) throws IOException {
    return new FileSetWriter(dir, SetLock.create(dir));
  }

  @Override
  public OutputStream artifact(String path) {
    checkOpen();
    Path file = dir.resolve(Names.checkArtifactPath(path));
    if (Files.exists(file)) {
      throw new IllegalArgumentException("artifact " + path + " already exists in " + dir);
    }
    try {
      Files.createDirectories(file.getParent());
      directories.add(file.getParent());
      return durable(file, false);
    } catch (IOException e) {
      throw new StorageException("cannot create artifact " + file + ": " + e, e);
    }
  }

  @Override
  public void publish(byte[] manifest) {
    checkOpen();
    // Every artifact was fsynced when closed; make their renames durable before the manifest
    // exists, then the manifest itself.
    directories.forEach(FileSetWriter::syncDirectory);
    Path file = dir.resolve(BackupSink.MANIFEST);
    try (OutputStream out = durable(file, true)) {
      out.write(manifest);
    } catch (IOException e) {
      throw new StorageException("cannot write manifest " + file + ": " + e, e);
    }
    syncDirectory(dir.getParent());
    published = true;
    lock.release(true);
  }

  @Override
  public void abort() {
    if (published) {
      return;
    }
    aborted = true;
    try {
      TreeDeleter.delete(dir);
    } finally {
      lock.release(false);
    }
  }

  @Override
  public void close() {
    abort();
  }

  private void checkOpen() {
    if (published || aborted) {
      throw new IllegalStateException("set " + dir.getFileName() + " is already "
          + (published ? "published" : "aborted"));
    }
  }

  /**
   * A stream to a temporary file that is synced and renamed to {@code file} on close; the
   * directory is synced after the rename when {@code syncDir}.
   */
  private static OutputStream durable(Path file, boolean syncDir) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + PARTIAL);
    FileChannel channel =
        FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    OutputStream raw = Channels.newOutputStream(channel);
    return new java.io.BufferedOutputStream(
        new java.io.FilterOutputStream(raw) {
          private boolean closed;

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            if (closed) {
              return;
            }
            closed = true;
            try (channel) {
              channel.force(true);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            if (syncDir) {
              syncDirectory(file.getParent());
            }
          }
        },
        256 * 1024);
  }

  private static void syncDirectory(Path directory) {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename is still atomic there.
    }
  }
}
