package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestoreContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a physical backup's file list ({@code <name>.files.tsv[.zst]}). Stateless. */
final class FileLists {
  private FileLists() {}

  /**
   * {@return the list's entries, checked against the artifact's size and SHA-256}
   *
   * @param context the set's
   * @param name the target's name
   * @throws IntegrityException if the list is damaged or not of this format
   */
  public static List<FileEntry> read(RestoreContext context, String name) throws IOException {
    Manifest.Artifact artifact = context.artifactStartingWith(name + ".files.tsv");
    String where = artifact.path() + " of set " + context.setId();
    List<FileEntry> entries = new ArrayList<>();
    try (InputStream in = context.openDecompressed(artifact)) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String header = reader.readLine();
      if (!FileEntry.HEADER.equals(header)) {
        throw new IntegrityException(
            where
                + " starts with "
                + header
                + ", not "
                + FileEntry.HEADER
                + ": it was written by an older version (restore it whole, without incremental or"
                + " delta) or is damaged");
      }
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        entries.add(FileEntry.parse(line, where));
      }
      in.transferTo(OutputStream.nullOutputStream());
    }
    return entries;
  }
}
