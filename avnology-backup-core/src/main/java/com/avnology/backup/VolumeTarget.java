package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.Names;
import com.avnology.backup.internal.TarExtractor;
import com.avnology.backup.internal.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A directory tree, backed up as one tar stream ({@code volume/<name>.tar[.gz|.zst]}) that keeps
 * regular files, directories, symbolic links, permission bits and modification times.
 *
 * <p>Restore writes only inside the directory: an entry with an absolute path, a {@code ..}
 * component, or a path through a symbolic link is refused with {@link UnsafeArchiveException}
 * before anything is written. The directory must be empty or absent unless {@link
 * Builder#overwrite(boolean)} is set. Owners are recorded but not restored (that needs root);
 * special files (devices, FIFOs, sockets) are skipped with a warning; hard links are stored as
 * separate files.
 *
 * <p>Immutable and thread-safe.
 */
public final class VolumeTarget implements BackupTarget {
  /** This target's kind. */
  public static final String KIND = "volume";

  private final String name;
  private final Path directory;
  private final boolean overwrite;

  private VolumeTarget(Builder b) {
    this.name = b.name;
    this.directory = b.directory;
    this.overwrite = b.overwrite;
  }

  /**
   * {@return the target}
   *
   * @param name the volume's name in backup sets, such as {@code certs}
   * @param directory the directory to back up or restore into
   * @throws IllegalArgumentException if the name is not 1-63 of a-z, 0-9, '-' and '_'
   */
  public static VolumeTarget of(String name, Path directory) {
    return builder(name, directory).build();
  }

  /**
   * {@return a builder}
   *
   * @param name the volume's name in backup sets
   * @param directory the directory to back up or restore into
   * @throws IllegalArgumentException if the name is not 1-63 of a-z, 0-9, '-' and '_'
   */
  public static Builder builder(String name, Path directory) {
    return new Builder(name, directory);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String name() {
    return name;
  }

  /** {@return the directory} */
  public Path directory() {
    return directory;
  }

  @Override
  public void backup(BackupContext context) {
    Compression compression = context.compression();
    String path = name + ".tar" + compression.suffix();
    context.option("format", "tar");
    try (OutputStream out = compression.compress(context.artifact(path, compression.algorithm()))) {
      long entries = TarWriter.write(directory, out, context::entriesDone);
      context.metadata("entries", Long.toString(entries));
    } catch (IOException e) {
      throw new StorageException(
          "cannot back up volume " + name + " from " + directory + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void restore(RestoreContext context) {
    Manifest.Artifact artifact = context.artifactStartingWith(name + ".tar");
    TarExtractor extractor = new TarExtractor(directory, overwrite);
    extractor.prepare();
    // First pass: every entry checked, nothing written.
    try (InputStream in = context.openDecompressed(artifact)) {
      extractor.check(in);
    } catch (IOException e) {
      throw new IntegrityException("cannot read " + artifact.path() + ": " + e.getMessage(), e);
    }
    try (InputStream in = context.openDecompressed(artifact)) {
      extractor.extract(in, context::entriesDone);
    } catch (IOException e) {
      throw new StorageException(
          "restore of volume "
              + name
              + " into "
              + directory
              + " failed part way, the directory holds a partial restore: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public java.util.Optional<String> refusal(RestoreContext context) {
    if (overwrite || !java.nio.file.Files.isDirectory(directory)) {
      return java.util.Optional.empty();
    }
    try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(directory)) {
      long there = list.count();
      return there == 0
          ? java.util.Optional.empty()
          : java.util.Optional.of(
              "directory "
                  + directory
                  + " is not empty ("
                  + there
                  + " entries): restore into an empty directory,"
                  + " or allow overwrite (VolumeTarget.Builder.overwrite, CLI --overwrite)");
    } catch (IOException e) {
      return java.util.Optional.of("directory " + directory + " cannot be read: " + e.getMessage());
    }
  }

  /** Every regular file of the set's tar is in the directory with its size. */
  @Override
  public java.util.List<HealthCheck> checkRestored(RestoreContext context) {
    String check = "volume/" + name + " files";
    Manifest.Artifact artifact = context.artifactStartingWith(name + ".tar");
    long files = 0;
    long bytes = 0;
    java.util.List<String> wrong = new java.util.ArrayList<>();
    try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            context.openDecompressed(artifact), "UTF-8")) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (!e.isFile()) {
          continue;
        }
        files++;
        bytes += e.getSize();
        Path file = directory.resolve(e.getName());
        long size =
            java.nio.file.Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                ? java.nio.file.Files.size(file)
                : -1;
        if (size != e.getSize() && wrong.size() < 5) {
          wrong.add(
              e.getName()
                  + (size < 0 ? " missing" : " has " + size + " bytes, not " + e.getSize()));
        }
      }
    } catch (IOException e) {
      return java.util.List.of(
          HealthCheck.failed(check, "cannot read " + artifact.path() + ": " + e.getMessage()));
    }
    return java.util.List.of(
        wrong.isEmpty()
            ? HealthCheck.passed(check, files + " files, " + bytes + " bytes as in the set")
            : HealthCheck.failed(check, "of " + files + " files, " + String.join(", ", wrong)));
  }

  @Override
  public String describeRestore(RestoreContext context) {
    String files = context.manifest().metadata().getOrDefault("entries", "?");
    String what = "directory " + directory + ": " + files + " entries from the set; ";
    if (!java.nio.file.Files.exists(directory)) {
      return what + "the directory does not exist and is created";
    }
    long there;
    try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(directory)) {
      there = list.count();
    } catch (java.io.IOException e) {
      return what + "the directory cannot be read (" + e.getMessage() + ")";
    }
    if (there == 0) {
      return what + "the directory is empty";
    }
    return what
        + "the directory holds "
        + there
        + " entries: "
        + (overwrite
            ? "files in the set replace theirs, others are kept"
            : "the restore is refused (overwrite, CLI --overwrite, allows it)");
  }

  @Override
  public String toString() {
    return "VolumeTarget[" + name + " = " + directory + (overwrite ? ", overwrite" : "") + "]";
  }

  /** Collects a volume target's settings. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Path directory;
    private boolean overwrite;

    private Builder(String name, Path directory) {
      this.name = Names.checkName("volume name", requireNonNull(name, "null name"));
      this.directory = requireNonNull(directory, "null directory").toAbsolutePath().normalize();
    }

    /**
     * {@return this builder}
     *
     * @param overwrite whether a restore may write into a non-empty directory, replacing files the
     *     set holds and keeping the others; false by default
     */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /** {@return the target} */
    public VolumeTarget build() {
      return new VolumeTarget(this);
    }
  }
}
