package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a physical backup's files: a set written in parts (into an empty directory, or with
 * delta into an existing one), or a set of the first slice (one tar). Stateless.
 */
public final class PhysicalRestore {
  private static final Logger log = LoggerFactory.getLogger(PhysicalRestore.class);

  private PhysicalRestore() {}

  /**
   * Restores a set written in parts (and the sets it refers to).
   *
   * @param context the restore's
   * @param name the target's name
   * @param dataDirectory where to
   * @param jobs parts read at once
   * @param delta whether to restore into the existing directory, writing what differs
   * @param locations tablespace link paths to their locations
   */
  public static void restoreParts(
      RestoreContext context,
      String name,
      Path dataDirectory,
      int jobs,
      boolean delta,
      Map<String, Path> locations)
      throws IOException {
    List<FileEntry> entries = FileLists.read(context, name);
    ChainRestore chain = new ChainRestore(context, name, dataDirectory, jobs);
    if (delta && Files.isDirectory(dataDirectory)) {
      DeltaRestore.Outcome done =
          new DeltaRestore(chain, dataDirectory, entries, locations).run(entries);
      log.info(
          "delta restore of set {} into {}: {} files written, {} removed, {} unchanged",
          context.setId(),
          dataDirectory,
          done.written(),
          done.removed(),
          done.kept());
      context.entriesDone(done.removed());
      return;
    }
    checkEmpty(dataDirectory, "");
    for (Path location : locations.values()) {
      checkEmpty(location, "the location of a tablespace");
    }
    try {
      chain.layOut(entries, locations);
    } catch (IOException | RuntimeException e) {
      DataDirectoryExtractor.empty(dataDirectory);
      locations.values().forEach(DataDirectoryExtractor::empty);
      throw e;
    }
  }

  /**
   * {@return tablespace link paths ({@code pg_tblspc/<oid>}) to their locations, remapped}
   *
   * @param manifest the set's entry, with the {@code tablespace_map} the backup's stop returned
   * @param tablespaces new locations by original location
   */
  public static Map<String, Path> tablespaceLocations(
      Manifest.Target manifest, Map<Path, Path> tablespaces) {
    Map<String, Path> locations = new LinkedHashMap<>();
    String map = manifest.metadata().getOrDefault("tablespace_map", "");
    for (String line : map.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        Path original = Path.of(line.substring(space + 1).trim());
        locations.put(
            "pg_tblspc/" + line.substring(0, space), tablespaces.getOrDefault(original, original));
      }
    }
    return locations;
  }

  /**
   * Restores a set of the first slice: one tar.
   *
   * @param context the restore's
   * @param name the target's name
   * @param dataDirectory where to: empty
   */
  public static void extractTar(RestoreContext context, String name, Path dataDirectory)
      throws IOException {
    Manifest.Artifact artifact = context.artifactStartingWith(name + ".tar");
    Compression.Algorithm algorithm =
        Compression.Algorithm.valueOf(artifact.compression().toUpperCase(Locale.ROOT));
    try (InputStream raw =
            context.open(artifact.path().substring(PhysicalParents.KIND.length() + 1));
        InputStream in = Compression.decompress(algorithm, raw)) {
      DataDirectoryExtractor extractor =
          new DataDirectoryExtractor(dataDirectory, context::entriesDone);
      try {
        extractor.extract(in);
        // the size and hash check runs at the stored bytes' end
        raw.transferTo(OutputStream.nullOutputStream());
      } catch (IOException | RuntimeException e) {
        DataDirectoryExtractor.empty(dataDirectory);
        if (!(e instanceof IntegrityException)) {
          Optional<IntegrityException> damage = damage(raw);
          if (damage.isPresent()) {
            damage.get().addSuppressed(e);
            throw damage.get();
          }
        }
        throw e;
      }
    }
  }

  /** After a decompressor or tar error: the rest of the stored bytes, checked, names damage. */
  private static Optional<IntegrityException> damage(InputStream raw) {
    try {
      raw.transferTo(OutputStream.nullOutputStream());
    } catch (IntegrityException damage) {
      return Optional.of(damage);
    } catch (IOException | RuntimeException ignored) {
      // the first failure stands
    }
    return Optional.empty();
  }

  /**
   * Checks that a directory is empty, creating it if absent.
   *
   * @param directory a directory, created (mode 0700) if absent
   * @param what what it is, for the message, or empty for the data directory
   * @throws BackupException if it is not empty
   */
  public static void checkEmpty(Path directory, String what) throws IOException {
    try (var list = Files.list(directory)) {
      if (list.findAny().isPresent()) {
        throw new BackupException(
            "cannot restore a physical backup into "
                + directory
                + (what.isEmpty() ? "" : ", " + what)
                + ": it is not empty; give an empty or new"
                + " directory");
      }
    } catch (NoSuchFileException e) {
      Files.createDirectories(directory.getParent());
      Files.createDirectory(
          directory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }
}
