package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.Compression;
import com.avnology.backup.Manifest;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.RestoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** An archive stored as artifacts of a backup set; every read is verified against the manifest. */
public final class ContextArchiveSource implements ArchiveSource {
  private final RestoreContext context;
  private final String prefix;

  /**
   * @param context the restore's context
   * @param prefix the archive's folder under the target kind, such as {@code main/}
   */
  public ContextArchiveSource(RestoreContext context, String prefix) {
    this.context = context;
    this.prefix = prefix;
  }

  @Override
  public InputStream openToc() {
    return context.open(prefix + "toc.dat");
  }

  @Override
  public InputStream openData(String dataFile) throws IOException {
    String base = context.manifest().kind() + "/" + prefix + dataFile;
    for (Manifest.Artifact a : context.manifest().artifacts()) {
      if (a.path().equals(base) || a.path().startsWith(base + ".")) {
        Compression.Algorithm algorithm =
            Compression.Algorithm.valueOf(a.compression().toUpperCase(Locale.ROOT));
        String relative = a.path().substring(context.manifest().kind().length() + 1);
        InputStream stored = context.open(relative);
        try {
          return Compression.decompress(algorithm, stored);
        } catch (RuntimeException e) {
          // closing reads the rest and checks it: damage is then what the failure says
          try {
            stored.close();
          } catch (IOException | RuntimeException check) {
            e.addSuppressed(check);
          }
          throw e;
        }
      }
    }
    throw new NotFoundException("set " + context.setId() + " has no data file " + base);
  }

  @Override
  public long dataSize(String dataFile) {
    String base = context.manifest().kind() + "/" + prefix + dataFile;
    return context.manifest().artifacts().stream()
        .filter(a -> a.path().equals(base) || a.path().startsWith(base + "."))
        .mapToLong(Manifest.Artifact::size)
        .findFirst()
        .orElse(0);
  }

  @Override
  public String describe() {
    return "set " + context.setId() + " " + context.manifest().kind() + "/" + prefix;
  }
}
