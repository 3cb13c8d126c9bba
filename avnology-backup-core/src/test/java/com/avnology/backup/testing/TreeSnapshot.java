package com.avnology.backup.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A comparable description of a directory tree: per path, type, mode, mtime and content hash. */
public final class TreeSnapshot {
  private TreeSnapshot() {}

  /**
   * Returns relative path to "type mode mtime hash-or-link-target".
   *
   * @param root the tree
   */
  public static Map<String, String> of(Path root) {
    Map<String, String> map = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (p.equals(root)) {
          continue;
        }
        PosixFileAttributes a =
            Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String rel = root.relativize(p).toString();
        if (a.isSymbolicLink()) {
          map.put(rel, "link -> " + Files.readSymbolicLink(p));
        } else {
          String mode = PosixFilePermissions.toString(a.permissions());
          String mtime = a.lastModifiedTime().toInstant().toString();
          String content = a.isDirectory() ? "dir" : "file " + a.size() + " " + sha256(p);
          map.put(rel, content + " " + mode + " " + mtime);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return map;
  }

  /**
   * Returns its SHA-256 in hex.
   *
   * @param file a file
   */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
