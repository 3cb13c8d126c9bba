package com.avnology.backup.postgres.internal.interop;

import com.avnology.backup.postgres.internal.archive.ArchiveFormatException;
import com.avnology.backup.postgres.internal.archive.ArchiveHeader;
import com.avnology.backup.postgres.internal.archive.ArchiveInput;
import com.avnology.backup.postgres.internal.archive.CustomToc;
import com.avnology.backup.postgres.internal.archive.DataOffset;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocFile;
import com.avnology.backup.postgres.internal.archive.TocReader;
import com.avnology.backup.postgres.internal.archive.TocWriter;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A custom-format archive ({@code pg_dump -Fc}, one file) presented as an {@link ArchiveSource}:
 * each entry with data is named {@code <dumpId>.dat}, as in a directory archive. Each {@link
 * #openData} reads through its own file channel, so parallel restore reads several items at once.
 * Archives written to a pipe have no data offsets: then the data blocks are indexed by one
 * sequential scan, as {@code _PrintTocData} in pg_backup_custom.c finds them. Thread-safe.
 */
public final class CustomArchiveSource implements ArchiveSource {
  private final Path file;
  private CustomToc custom;
  private Map<Integer, TocEntry> byId;
  private Map<Integer, Long> positions;

  /**
   * @param file the archive file
   */
  public CustomArchiveSource(Path file) {
    this.file = Objects.requireNonNull(file, "null file");
  }

  /**
   * {@return the header, entries and data offsets}
   *
   * @throws IOException if the file cannot be read; {@link ArchiveFormatException} naming the entry
   *     reached if the header or TOC is truncated or corrupt
   */
  public synchronized CustomToc customToc() throws IOException {
    if (custom == null) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
        custom = TocReader.readCustom(new ArchiveInput(in), file.getFileName().toString());
      }
      byId = new HashMap<>();
      for (TocEntry e : custom.toc().entries()) {
        byId.put(e.dumpId(), e);
      }
    }
    return custom;
  }

  @Override
  public TocFile toc() throws IOException {
    return customToc().toc();
  }

  /**
   * The TOC as a directory archive's {@code toc.dat} would hold it (format byte 3, data file names
   * instead of offsets); archive versions 1.14 to 1.16 only.
   */
  @Override
  public InputStream openToc() throws IOException {
    TocFile toc = toc();
    ArchiveHeader h = toc.header();
    ArchiveHeader dir =
        new ArchiveHeader(
            h.version(),
            h.intSize(),
            h.offSize(),
            ArchiveHeader.FORMAT_TAR,
            h.compression(),
            h.compressionLevel(),
            h.created(),
            h.databaseName(),
            h.serverVersion(),
            h.dumpVersion());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TocWriter.write(new TocFile(dir, toc.entries()), out);
    return new ByteArrayInputStream(out.toByteArray());
  }

  @Override
  public InputStream openData(String dataFile) throws IOException {
    CustomToc toc = customToc();
    int dumpId = dumpId(dataFile);
    String entry = describe(dumpId);
    DataOffset offset = toc.offsets().get(dumpId);
    if (offset == null || offset.flag() == DataOffset.NO_DATA) {
      throw new ArchiveFormatException(file + " has no data for " + entry);
    }
    Long position = positions().get(dumpId);
    if (position == null) {
      throw new ArchiveFormatException(
          "could not find the data block of "
              + entry
              + " in "
              + file
              + ": the archive is truncated or corrupt");
    }
    InputStream raw = new BufferedInputStream(FileRange.from(file, position), 65536);
    try {
      ArchiveInput in = new ArchiveInput(raw);
      in.intSize(toc.toc().header().intSize());
      int type;
      int id;
      try {
        type = in.readByte();
        id = in.readInt();
      } catch (EOFException e) {
        throw new ArchiveFormatException(
            file
                + " is truncated: the data block of "
                + entry
                + " at byte "
                + position
                + " is missing",
            e);
      }
      if (id != dumpId) {
        throw new ArchiveFormatException(
            "found unexpected block ID ("
                + id
                + ") when reading data of "
                + entry
                + " at byte "
                + position
                + " of "
                + file);
      }
      if (type != DataChunks.BLK_DATA) {
        throw new ArchiveFormatException(
            "data block of "
                + entry
                + " has type "
                + type
                + (type == DataChunks.BLK_BLOBS
                    ? " (large objects), which is not supported"
                    : ", unknown"));
      }
      return DataChunks.open(in, raw, toc.toc().header().compression(), entry);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** A {@code BLK_BLOBS} block, read object by object, never transcoded. */
  @Override
  public void largeObjects(TocEntry blobs, LargeObjectSink sink)
      throws IOException, java.sql.SQLException {
    CustomToc toc = customToc();
    String entry = describe(blobs.dumpId());
    Long position = positions().get(blobs.dumpId());
    if (position == null) {
      throw new ArchiveFormatException(
          "could not find the data block of "
              + entry
              + " in "
              + file
              + ": the archive is truncated or corrupt");
    }
    try (InputStream raw = new BufferedInputStream(FileRange.from(file, position), 65536)) {
      ArchiveInput in = new ArchiveInput(raw);
      in.intSize(toc.toc().header().intSize());
      int type = in.readByte();
      int id = in.readInt();
      if (type != DataChunks.BLK_BLOBS || id != blobs.dumpId()) {
        throw new ArchiveFormatException(
            "data block of "
                + entry
                + " in "
                + file
                + " has type "
                + type
                + " and id "
                + id
                + ", not a large-object block of "
                + blobs.dumpId());
      }
      DataChunks.readBlobs(in, toc.toc().header().compression(), entry, sink::accept);
    } catch (EOFException e) {
      throw new ArchiveFormatException(file + " is truncated in the data of " + entry, e);
    }
  }

  @Override
  public long dataSize(String dataFile) {
    try {
      Map<Integer, Long> pos = positions();
      Long start = pos.get(dumpId(dataFile));
      if (start == null) {
        return 0;
      }
      long next = Files.size(file);
      for (long p : pos.values()) {
        if (p > start && p < next) {
          next = p;
        }
      }
      return next - start;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public String describe() {
    return file.toString();
  }

  /**
   * Reads every data item to its end, decompressing it, to find truncation or corruption before
   * anything is restored.
   *
   * @throws IOException {@link ArchiveFormatException} naming the first bad entry
   */
  public void verify() throws IOException {
    byte[] buf = new byte[65536];
    for (TocEntry e : toc().entries()) {
      if (e.dataFile() != null && !e.dataFile().isEmpty() && !isBlobs(e)) {
        try (InputStream in = openData(e.dataFile())) {
          while (in.read(buf) >= 0) {
            // reading is the check
          }
        }
      }
    }
  }

  /**
   * {@return {@code entry 3344 (TABLE DATA public a)}}
   *
   * @param dumpId an entry's id
   */
  String describe(int dumpId) {
    TocEntry e = byId.get(dumpId);
    if (e == null) {
      return "dumpId " + dumpId;
    }
    String ns = e.namespace() == null || e.namespace().isEmpty() ? "" : e.namespace() + " ";
    return "entry " + dumpId + " (" + e.desc() + " " + ns + e.tag() + ")";
  }

  private static boolean isBlobs(TocEntry e) {
    return e.desc().equals("BLOBS");
  }

  private int dumpId(String dataFile) throws ArchiveFormatException {
    String id = dataFile.endsWith(".dat") ? dataFile.substring(0, dataFile.length() - 4) : "";
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new ArchiveFormatException(
          "no data item \""
              + dataFile
              + "\" in custom archive "
              + file
              + ": names are <dumpId>.dat");
    }
  }

  /** Data block positions by dumpId: the TOC's offsets, else one scan of the blocks. */
  private synchronized Map<Integer, Long> positions() throws IOException {
    if (positions != null) {
      return positions;
    }
    CustomToc toc = customToc();
    Map<Integer, Long> pos = new HashMap<>();
    boolean complete = true;
    for (Map.Entry<Integer, DataOffset> o : toc.offsets().entrySet()) {
      if (o.getValue().flag() == DataOffset.POS_SET) {
        pos.put(o.getKey(), o.getValue().position());
      } else if (o.getValue().flag() == DataOffset.POS_NOT_SET) {
        complete = false;
      }
    }
    positions = complete ? pos : scan(toc);
    return positions;
  }

  /** As pg_restore without offsets: block headers from the end of the TOC on, data skipped. */
  private Map<Integer, Long> scan(CustomToc toc) throws IOException {
    Map<Integer, Long> pos = new HashMap<>();
    try (InputStream raw = new BufferedInputStream(FileRange.from(file, toc.dataStart()), 65536)) {
      ArchiveInput in = new ArchiveInput(raw);
      in.intSize(toc.toc().header().intSize());
      while (true) {
        long at = toc.dataStart() + in.position();
        int type;
        try {
          type = in.readByte();
        } catch (EOFException e) {
          break;
        }
        String what = "the data block at byte " + at;
        try {
          int id = in.readInt();
          what = "the data of " + describe(id) + " (block at byte " + at + ")";
          pos.put(id, at);
          if (type == DataChunks.BLK_DATA) {
            DataChunks.skip(in);
          } else if (type == DataChunks.BLK_BLOBS) {
            DataChunks.skipBlobs(in);
          } else {
            throw new ArchiveFormatException("unrecognized data block type " + type);
          }
        } catch (EOFException e) {
          throw new ArchiveFormatException(file + " is truncated in " + what, e);
        } catch (ArchiveFormatException e) {
          throw new ArchiveFormatException(
              file + " is corrupt in " + what + ": " + e.getMessage(), e);
        }
      }
    }
    return pos;
  }
}
