package com.avnology.backup.postgres.internal.importing;

import com.avnology.backup.StorageException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an import's source to a local, uncompressed file: downloads an {@code http(s)} URL
 * (resuming with a range request where a transfer breaks off, retrying with back-off, checking the
 * length the server announced), and unwraps a file gzip- or zstd-compressed as a whole.
 *
 * <p>Stateless.
 */
public final class Fetch {
  private static final Logger log = LoggerFactory.getLogger(Fetch.class);

  private Fetch() {}

  /**
   * {@return the URL without user info and query, for messages and logs}
   *
   * @param url a URL; a presigned one carries its signature in the query
   */
  public static String redact(URI url) {
    if (url.getScheme() == null || url.getHost() == null) {
      return url.getScheme() + ":" + (url.getPath() == null ? "" : url.getPath());
    }
    return url.getScheme()
        + "://"
        + url.getHost()
        + (url.getPort() < 0 ? "" : ":" + url.getPort())
        + (url.getRawPath() == null ? "" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?…");
  }

  /**
   * Downloads a URL to a file, resuming after a break.
   *
   * @param url an http or https URL
   * @param to the file to write (replaced)
   * @param attempts how many times to try in all
   * @param backoff the wait before the second attempt, doubled each time
   * @return the bytes downloaded
   * @throws StorageException if it cannot be downloaded whole
   */
  public static long download(URI url, Path to, int attempts, Duration backoff) {
    String shown = redact(url);
    HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    long expected = -1;
    String etag = null;
    long have = 0;
    IOException last = null;
    try {
      Files.deleteIfExists(to);
      Files.createFile(to);
    } catch (IOException e) {
      throw new StorageException("cannot create " + to + " for the download: " + e, e);
    }
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        sleep(backoff.multipliedBy(1L << Math.min(attempt - 2, 10)));
      }
      HttpRequest.Builder req = HttpRequest.newBuilder(url).GET().timeout(Duration.ofMinutes(10));
      if (have > 0) {
        req.header("Range", "bytes=" + have + "-");
        if (etag != null) {
          req.header("If-Range", etag);
        }
      }
      try {
        HttpResponse<InputStream> resp =
            http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = resp.statusCode();
        try (InputStream body = resp.body()) {
          if (status == 200) {
            if (have > 0) {
              log.info("{} does not resume a download: downloading it again", shown);
            }
            have = 0;
            Optional<String> length = resp.headers().firstValue("Content-Length");
            expected = length.map(Long::parseLong).orElse(-1L);
            etag = resp.headers().firstValue("ETag").orElse(null);
          } else if (status != 206) {
            String hint =
                status == 403
                    ? " (a presigned URL expires: ask for a new one)"
                    : status == 404 ? " (nothing at that address)" : "";
            throw new StorageException("download of " + shown + " refused: HTTP " + status + hint);
          }
          try (OutputStream out =
              Files.newOutputStream(
                  to,
                  StandardOpenOption.WRITE,
                  have == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = body.read(buf)) >= 0) {
              out.write(buf, 0, n);
              have += n;
            }
          }
        }
        if (expected < 0 || have == expected) {
          return have;
        }
        last = new IOException("the transfer ended after " + have + " of " + expected + " bytes");
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("download of " + shown + " interrupted", e);
      }
      log.warn(
          "download of {} broke off after {} bytes (attempt {} of {}): {}",
          shown,
          have,
          attempt,
          attempts,
          last.getMessage());
    }
    throw new StorageException(
        "download of "
            + shown
            + " failed after "
            + attempts
            + " attempts, "
            + have
            + (expected < 0 ? "" : " of " + expected)
            + " bytes received: "
            + (last == null ? "" : last.getMessage())
            + "; nothing was written to the database",
        last);
  }

  /** How a file is compressed as a whole. */
  public enum Wrapping {
    /** Not compressed. */
    NONE,
    /** {@code .gz}. */
    GZIP,
    /** {@code .zst}. */
    ZSTD
  }

  /**
   * {@return how it is compressed as a whole}
   *
   * @param file a file
   */
  public static Wrapping wrapping(Path file) throws IOException {
    byte[] head = new byte[4];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, 4);
    }
    if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return Wrapping.GZIP;
    }
    if (n == 4
        && (head[0] & 0xff) == 0x28
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return Wrapping.ZSTD;
    }
    return Wrapping.NONE;
  }

  /**
   * Decompresses a whole file; a truncated or damaged one fails.
   *
   * @param file the compressed file
   * @param wrapping its compression
   * @param to where the decompressed bytes go (replaced)
   * @return the decompressed size
   * @throws StorageException if it cannot be decompressed to its end
   */
  public static long unwrap(Path file, Wrapping wrapping, Path to) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in =
            wrapping == Wrapping.GZIP
                ? GzipCompressorInputStream.builder()
                    .setInputStream(raw)
                    .setDecompressConcatenated(true)
                    .get()
                : new ZstdInputStream(raw);
        OutputStream out = Files.newOutputStream(to)) {
      return in.transferTo(out);
    } catch (IOException e) {
      throw new com.avnology.backup.IntegrityException(
          file.getFileName()
              + " cannot be decompressed ("
              + wrapping.name().toLowerCase(java.util.Locale.ROOT)
              + "): "
              + e.getMessage()
              + "; it is truncated or damaged; nothing was written to the database",
          e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("download interrupted", e);
    }
  }
}
