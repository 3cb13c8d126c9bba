package com.avnology.backup.internal;

import com.avnology.backup.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock a writing process holds on its unpublished set directory of a file-system sink, so that
 * another backup can tell a live run from a dead one.
 *
 * <p>The lock is an OS file lock ({@link FileChannel#tryLock()}) on {@code <set>/.lock}: the OS
 * releases it when the process dies, however it dies (SIGKILL included), so an unpublished set
 * whose lock can be taken was left by a run that is gone. The file is locked under a temporary name
 * and renamed into place while locked: a {@code .lock} file that exists is locked from its first
 * moment. Sets written in this JVM are also kept in a registry and never probed, because closing a
 * probing channel would drop this process's own lock on the file (POSIX lock semantics).
 *
 * <p>Thread-safe.
 */
final class SetLock implements AutoCloseable {
  /** The lock file's name inside a set directory; artifact names cannot start with a dot. */
  public static final String FILE = ".lock";

  private static final Set<Path> WRITING_HERE = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final Path file;
  private final FileChannel channel;
  private boolean released;

  private SetLock(Path dir, Path file, FileChannel channel) {
    this.dir = dir;
    this.file = file;
    this.channel = channel;
  }

  /**
   * Creates a set's directory and locks it for this process.
   *
   * @param dir the set's directory, which must not exist yet
   * @return the held lock
   * @throws java.nio.file.FileAlreadyExistsException if the directory exists
   * @throws IOException if the directory or its lock cannot be created
   */
  public static SetLock create(Path dir) throws IOException {
    Path key = dir.toAbsolutePath().normalize();
    // Registered before the directory exists, so a sweep in this JVM never probes it
    if (!WRITING_HERE.add(key)) {
      throw new java.nio.file.FileAlreadyExistsException(dir.toString());
    }
    FileChannel channel = null;
    try {
      Files.createDirectory(dir);
      Path temporary = dir.resolve(FILE + ".new");
      channel =
          FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      // Without a lock (a file system without locking) the file stays under its temporary name
      // and the set is judged by its age, as before there were locks.
      if (!tryLock(channel)) {
        return new SetLock(dir, temporary, channel);
      }
      String owner = "pid " + ProcessHandle.current().pid() + ", started " + Instant.now() + "\n";
      channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)));
      Files.move(temporary, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
      return new SetLock(dir, dir.resolve(FILE), channel);
    } catch (IOException | RuntimeException e) {
      WRITING_HERE.remove(key);
      if (channel != null) {
        channel.close();
      }
      throw e;
    }
  }

  private static boolean tryLock(FileChannel channel) {
    try {
      return channel.tryLock() != null;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * Runs {@code action} while holding the lock of a set whose writer is dead, so that no other
   * sweeper works on it at the same time.
   *
   * @param dir the set's directory
   * @param action what to do with the dead set
   * @return whether the lock was taken and {@code action} ran
   */
  public static boolean withDeadLock(Path dir, Runnable action) {
    if (WRITING_HERE.contains(dir.toAbsolutePath().normalize())) {
      return false;
    }
    try (FileChannel probe = FileChannel.open(dir.resolve(FILE), StandardOpenOption.WRITE)) {
      FileLock lock = probe.tryLock();
      if (lock == null) {
        return false;
      }
      action.run();
      return true;
    } catch (OverlappingFileLockException | IOException e) {
      return false;
    }
  }

  /**
   * Releases the lock: after publishing (the lock file is deleted first) or after the set was
   * deleted. Safe to call more than once.
   *
   * @param deleteFile whether to delete the lock file before releasing it
   */
  public synchronized void release(boolean deleteFile) {
    if (released) {
      return;
    }
    released = true;
    try {
      if (deleteFile) {
        Files.deleteIfExists(file);
      }
      channel.close();
    } catch (IOException e) {
      throw new StorageException("cannot release the lock of set directory " + dir + ": " + e, e);
    } finally {
      WRITING_HERE.remove(dir.toAbsolutePath().normalize());
    }
  }

  /** Releases the lock, leaving the file. */
  @Override
  public void close() {
    release(false);
  }
}
