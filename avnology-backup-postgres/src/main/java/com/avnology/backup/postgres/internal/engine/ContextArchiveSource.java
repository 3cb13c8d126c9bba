package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.Compression;
import com.avnology.backup.Manifest;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.RestoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** An archive stored as artifacts of a backup set; every read is verified against the manifest. */
public final class ContextArchiveSource implements ArchiveSource {
  private final RestoreContext context;
  private final String prefix;
  private Map<String, Manifest.Artifact> byBase;

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
    Manifest.Artifact a = dataArtifacts().get(base);
    if (a == null) {
      throw new NotFoundException("set " + context.setId() + " has no data file " + base);
    }
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

  @Override
  public long dataSize(String dataFile) {
    Manifest.Artifact a = dataArtifacts().get(context.manifest().kind() + "/" + prefix + dataFile);
    return a == null ? 0 : a.size();
  }

  /**
   * The target's artifacts by path and by path without its compression suffixes ({@code 1234.dat}
   * finds {@code 1234.dat.zst}); the first in the manifest wins, as a scan would find.
   */
  private synchronized Map<String, Manifest.Artifact> dataArtifacts() {
    if (byBase == null) {
      Map<String, Manifest.Artifact> index = new HashMap<>();
      for (Manifest.Artifact a : context.manifest().artifacts()) {
        String p = a.path();
        index.putIfAbsent(p, a);
        int slash = p.lastIndexOf('/');
        for (int dot = p.lastIndexOf('.'); dot > slash; dot = p.lastIndexOf('.', dot - 1)) {
          index.putIfAbsent(p.substring(0, dot), a);
        }
      }
      byBase = index;
    }
    return byBase;
  }

  @Override
  public String describe() {
    return "set " + context.setId() + " " + context.manifest().kind() + "/" + prefix;
  }
}
