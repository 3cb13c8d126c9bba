package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.ArchiveFormatException;
import com.avnology.backup.postgres.internal.archive.PgEncodings;
import com.avnology.backup.postgres.internal.archive.TocFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * An archive whose data is in another encoding than UTF8, presented with its data re-encoded as
 * UTF-8, the client encoding PgJDBC insists on; the server converts it to the target database's
 * encoding. The TOC's strings are already decoded by {@code TocReader}. SQL_ASCII archives cannot
 * be converted: their bytes have no known encoding. Thread-safe if the wrapped source is.
 */
public final class TranscodingArchiveSource implements ArchiveSource {
  private final ArchiveSource source;
  private final TocFile toc;
  private final Charset charset;
  private final String encoding;

  private TranscodingArchiveSource(
      ArchiveSource source, TocFile toc, Charset charset, String encoding) {
    this.source = source;
    this.toc = toc;
    this.charset = charset;
    this.encoding = encoding;
  }

  /**
   * {@return the source itself for UTF8 archives (or ones without an ENCODING entry), else a source
   * whose data is re-encoded as UTF-8; empty when the encoding cannot be converted (SQL_ASCII, or
   * no Java charset for it)}
   *
   * @param source an archive
   * @param toc its TOC
   */
  public static Optional<ArchiveSource> utf8(ArchiveSource source, TocFile toc) {
    Optional<String> name = PgEncodings.encodingName(toc.entries());
    if (name.isEmpty()
        || name.get().equalsIgnoreCase("UTF8")
        || name.get().equalsIgnoreCase("UNICODE")) {
      return Optional.of(source);
    }
    if (name.get().equalsIgnoreCase("SQL_ASCII")) {
      return Optional.empty();
    }
    return PgEncodings.charset(name.get())
        .map(cs -> new TranscodingArchiveSource(source, toc, cs, name.get()));
  }

  @Override
  public TocFile toc() {
    return toc;
  }

  /** Large objects are bytes, never text to re-encode. */
  @Override
  public void largeObjects(
      com.avnology.backup.postgres.internal.archive.TocEntry blobs, LargeObjectSink sink)
      throws IOException, java.sql.SQLException {
    source.largeObjects(blobs, sink);
  }

  @Override
  public InputStream openToc() throws IOException {
    return source.openToc();
  }

  @Override
  public InputStream openData(String dataFile) throws IOException {
    Reader reader =
        new InputStreamReader(
            source.openData(dataFile),
            charset
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    return new Utf8(reader, dataFile + " (" + encoding + ")");
  }

  @Override
  public long dataSize(String dataFile) {
    return source.dataSize(dataFile);
  }

  @Override
  public String describe() {
    return source.describe();
  }

  /** Chars from a reader as UTF-8 bytes; a high surrogate at a buffer's end waits for its pair. */
  private static final class Utf8 extends InputStream {
    private final Reader reader;
    private final String what;
    private final char[] chars = new char[16 * 1024 + 1];
    private int held;
    private byte[] bytes = new byte[0];
    private int at;

    Utf8(Reader reader, String what) {
      this.reader = Objects.requireNonNull(reader);
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (at == bytes.length) {
        if (!fill()) {
          return -1;
        }
      }
      int n = Math.min(len, bytes.length - at);
      System.arraycopy(bytes, at, b, off, n);
      at += n;
      return n;
    }

    private boolean fill() throws IOException {
      int n;
      try {
        n = reader.read(chars, held, chars.length - 1 - held);
      } catch (CharacterCodingException e) {
        throw new ArchiveFormatException(
            "data file " + what + " holds bytes that are not valid" + " in its encoding: " + e, e);
      }
      if (n < 0) {
        if (held == 0) {
          return false;
        }
        n = 0;
      }
      int end = held + n;
      int keep = end > 0 && n > 0 && Character.isHighSurrogate(chars[end - 1]) ? 1 : 0;
      bytes = new String(chars, 0, end - keep).getBytes(StandardCharsets.UTF_8);
      at = 0;
      held = keep;
      if (keep == 1) {
        chars[0] = chars[end - 1];
      }
      return true;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
