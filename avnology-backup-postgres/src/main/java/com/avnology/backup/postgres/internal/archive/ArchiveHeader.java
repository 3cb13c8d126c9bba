package com.avnology.backup.postgres.internal.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Objects;

/**
 * The header of a pg_dump archive ({@code WriteHead}/{@code ReadHead} in pg_backup_archiver.c):
 * {@code "PGDMP"}, version bytes, int and offset widths, format, compression, creation time and
 * three strings.
 *
 * @param version the archive version
 * @param intSize bytes per integer magnitude (4)
 * @param offSize bytes per data offset (8)
 * @param format {@link #FORMAT_CUSTOM}, or {@link #FORMAT_TAR} for tar and directory archives
 * @param compression how data is compressed; for archives before 1.15 derived from the level
 *     (non-zero means gzip), as {@code ReadHead} does
 * @param compressionLevel the level archives before 1.15 store (-1 default, 0 none, 1–9); not
 *     stored from 1.15 on, where it reads as 0 for {@link CompressionAlgorithm#NONE}, else -1
 * @param created when the dump started, as pg_dump's local {@code struct tm}
 * @param databaseName the dumped database ({@code PQdb}), may be null
 * @param serverVersion the server's version string, such as {@code 15.19}
 * @param dumpVersion pg_dump's version string, such as {@code 15.18 (Debian 15.18-0+deb12u1)}
 */
public record ArchiveHeader(
    ArchiveVersion version,
    int intSize,
    int offSize,
    int format,
    CompressionAlgorithm compression,
    int compressionLevel,
    CreationTime created,
    String databaseName,
    String serverVersion,
    String dumpVersion) {

  /** {@code archCustom}. */
  public static final int FORMAT_CUSTOM = 1;

  /** {@code archTar}; also what a directory archive's {@code toc.dat} says. */
  public static final int FORMAT_TAR = 3;

  static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);

  /**
   * Checks the fields the writer relies on.
   *
   * @param version the archive version
   * @param intSize bytes per integer magnitude (4)
   * @param offSize bytes per data offset (8)
   * @param format {@link #FORMAT_CUSTOM}, or {@link #FORMAT_TAR} for tar and directory archives
   * @param compression how data is compressed; for archives before 1.15 derived from the level
   *     (non-zero means gzip), as {@code ReadHead} does
   * @param compressionLevel the level archives before 1.15 store (-1 default, 0 none, 1–9); not
   *     stored from 1.15 on, where it reads as 0 for {@link CompressionAlgorithm#NONE}, else -1
   * @param created when the dump started, as pg_dump's local {@code struct tm}
   * @param databaseName the dumped database ({@code PQdb}), may be null
   * @param serverVersion the server's version string, such as {@code 15.19}
   * @param dumpVersion pg_dump's version string, such as {@code 15.18 (Debian 15.18-0+deb12u1)}
   */
  public ArchiveHeader {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(created, "created");
    if (intSize < 1 || intSize > 32 || offSize < 1 || offSize > 32) {
      throw new IllegalArgumentException("bad int/offset size " + intSize + "/" + offSize);
    }
    if (!version.atLeast(ArchiveVersion.V1_15)
        && compression != CompressionAlgorithm.NONE
        && compression != CompressionAlgorithm.GZIP) {
      throw new IllegalArgumentException(compression + " needs archive version 1.15 or later");
    }
  }

  /**
   * A header for a directory archive written now by this library.
   *
   * @param version 1.14 for pg_restore 12+, 1.15/1.16 for lz4/zstd
   * @param compression the data compression
   * @param level the gzip level for 1.14 (-1 default, 0 none, 1–9); ignored from 1.15 on
   * @param created the creation time
   * @param databaseName the database name
   * @param serverVersion the server version string
   * @param dumpVersion the writer's version string
   * @return the header
   */
  public static ArchiveHeader forDirectory(
      ArchiveVersion version,
      CompressionAlgorithm compression,
      int level,
      LocalDateTime created,
      String databaseName,
      String serverVersion,
      String dumpVersion) {
    int lvl = compression == CompressionAlgorithm.NONE ? 0 : level;
    return new ArchiveHeader(
        version,
        4,
        8,
        FORMAT_TAR,
        compression,
        lvl,
        CreationTime.of(created, false),
        databaseName,
        serverVersion,
        dumpVersion);
  }

  /**
   * {@code WriteHead}.
   *
   * @param out where to write; its int/offset sizes are set from this header
   * @throws IOException on write failure
   */
  public void write(ArchiveOutput out) throws IOException {
    out.writeBytes(MAGIC);
    out.writeByte(version.major());
    out.writeByte(version.minor());
    out.writeByte(version.rev());
    out.writeByte(intSize);
    out.writeByte(offSize);
    out.intSize(intSize);
    out.offSize(offSize);
    out.writeByte(format);
    if (version.atLeast(ArchiveVersion.V1_15)) {
      out.writeByte(compression.code());
    } else {
      out.writeInt(compressionLevel);
    }
    created.write(out);
    out.writeStr(databaseName);
    out.writeStr(serverVersion);
    out.writeStr(dumpVersion);
  }

  /**
   * {@code ReadHead}, for versions 1.12 to 1.16.
   *
   * @param in where to read; its int/offset sizes are set from the header
   * @return the header
   * @throws IOException on failure, a bad magic or an unsupported version
   */
  public static ArchiveHeader read(ArchiveInput in) throws IOException {
    byte[] magic = in.readBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new ArchiveFormatException("did not find magic string \"PGDMP\" in file header");
    }
    ArchiveVersion version = new ArchiveVersion(in.readByte(), in.readByte(), in.readByte());
    if (version.major() != 1 || version.minor() < 12 || version.minor() > 16) {
      throw new ArchiveFormatException(
          "unsupported archive version ("
              + version.major()
              + "."
              + version.minor()
              + "); supported are 1.12 to 1.16");
    }
    int intSize = in.readByte();
    int offSize = in.readByte();
    if (intSize < 1 || intSize > 8 || offSize < 1 || offSize > 32) {
      throw new ArchiveFormatException(
          "sanity check on integer/offset size (" + intSize + "/" + offSize + ") failed");
    }
    in.intSize(intSize);
    in.offSize(offSize);
    int format = in.readByte();
    CompressionAlgorithm compression;
    int level;
    if (version.atLeast(ArchiveVersion.V1_15)) {
      int code = in.readByte();
      try {
        compression = CompressionAlgorithm.of(code);
      } catch (IllegalArgumentException e) {
        throw new ArchiveFormatException("unknown compression algorithm " + code + " in header");
      }
      level = compression == CompressionAlgorithm.NONE ? 0 : -1;
    } else {
      level = in.readInt();
      compression = level != 0 ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
    }
    CreationTime created = CreationTime.read(in);
    String db = in.readStr();
    String server = in.readStr();
    String dump = in.readStr();
    return new ArchiveHeader(
        version, intSize, offSize, format, compression, level, created, db, server, dump);
  }

  /**
   * A {@code struct tm} as the header stores it: month from 0, year minus 1900.
   *
   * @param sec seconds
   * @param min minutes
   * @param hour hours
   * @param mday day of month, from 1
   * @param mon month, from 0
   * @param year year - 1900
   * @param isdst daylight saving flag (1, 0, or -1 unknown)
   */
  public record CreationTime(int sec, int min, int hour, int mday, int mon, int year, int isdst) {

    /**
     * {@return the fields}
     *
     * @param t a local date-time
     * @param dst whether daylight saving time is in effect
     */
    public static CreationTime of(LocalDateTime t, boolean dst) {
      return new CreationTime(
          t.getSecond(),
          t.getMinute(),
          t.getHour(),
          t.getDayOfMonth(),
          t.getMonthValue() - 1,
          t.getYear() - 1900,
          dst ? 1 : 0);
    }

    /**
     * {@return this time now, as pg_dump's local clock showed it}
     *
     * @param zone the zone the clock time is in
     */
    public static CreationTime now(ZoneId zone) {
      LocalDateTime t = LocalDateTime.now(zone).withNano(0);
      boolean dst = zone.getRules().isDaylightSavings(Instant.now());
      return of(t, dst);
    }

    /** {@return the local date-time these fields denote} */
    public LocalDateTime toLocalDateTime() {
      return LocalDateTime.of(year + 1900, mon + 1, mday, hour, min, sec);
    }

    void write(ArchiveOutput out) throws IOException {
      out.writeInt(sec);
      out.writeInt(min);
      out.writeInt(hour);
      out.writeInt(mday);
      out.writeInt(mon);
      out.writeInt(year);
      out.writeInt(isdst);
    }

    static CreationTime read(ArchiveInput in) throws IOException {
      return new CreationTime(
          in.readInt(),
          in.readInt(),
          in.readInt(),
          in.readInt(),
          in.readInt(),
          in.readInt(),
          in.readInt());
    }
  }
}
