package com.avnology.backup.postgres.internal.migrate;

import com.avnology.backup.postgres.MigrationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Finds undo scripts, {@code U<version>__<description>.sql}, in the same locations Flyway reads
 * ({@code classpath:} directories and jars, {@code filesystem:} directories, recursively).
 */
public final class UndoScripts {
  private static final Pattern UNDO = Pattern.compile("U([^_]+(?:_[^_]+)*?)__(.*)\\.sql");

  /**
   * An undo script found.
   *
   * @param fileName such as {@code U2__add_sessions.sql}
   * @param where its full location, for messages
   * @param sql its text (UTF-8, byte-order mark removed)
   */
  public record Undo(String fileName, String where, String sql) {}

  private UndoScripts() {}

  /**
   * {@return the undo scripts for that version (normally zero or one)}
   *
   * @param locations Flyway locations
   * @param loader class loader for classpath locations
   * @param version the version to undo
   * @param script the applied migration's file, relative to its location (helps find jars that have
   *     no directory entries), or null
   */
  public static List<Undo> find(
      Location[] locations, ClassLoader loader, MigrationVersion version, String script) {
    List<Undo> out = new ArrayList<>();
    for (Location l : locations) {
      try {
        if ("filesystem:".equals(l.getPrefix())) {
          scanDirectory(Path.of(l.getRootPath()), version, out);
        } else if ("classpath:".equals(l.getPrefix())) {
          scanClasspath(l.getRootPath(), loader, version, script, out);
        }
      } catch (IOException | URISyntaxException e) {
        throw new MigrationException(
            "cannot read migration location "
                + l.getDescriptor()
                + " while looking for the undo script of version "
                + version
                + ": "
                + e,
            e);
      }
    }
    return out;
  }

  /**
   * {@return the first statement PostgreSQL cannot run in a transaction block, if any}
   *
   * @param sql a script
   */
  public static java.util.Optional<String> nonTransactional(String sql) {
    return NonTransactional.find(sql);
  }

  static boolean matches(String fileName, MigrationVersion version) {
    Matcher m = UNDO.matcher(fileName);
    if (!m.matches()) {
      return false;
    }
    try {
      return MigrationVersion.fromVersion(m.group(1).replace('_', '.')).equals(version);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void scanDirectory(Path root, MigrationVersion version, List<Undo> out)
      throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = p.getFileName().toString();
        if (matches(name, version)) {
          out.add(new Undo(name, p.toString(), text(Files.readAllBytes(p))));
        }
      }
    }
  }

  private static void scanClasspath(
      String root, ClassLoader loader, MigrationVersion version, String script, List<Undo> out)
      throws IOException, URISyntaxException {
    String dir = root.isEmpty() || root.equals("/") ? "" : root.endsWith("/") ? root : root + "/";
    List<URL> urls =
        new ArrayList<>(
            Collections.list(
                loader.getResources(dir.isEmpty() ? "" : dir.substring(0, dir.length() - 1))));
    // jars without directory entries: find the jar through the applied migration's own file
    if (script != null) {
      URL v = loader.getResource(dir + script);
      if (v != null && "jar".equals(v.getProtocol())) {
        urls.add(v);
      }
    }
    Set<String> seen = new HashSet<>();
    for (URL url : urls) {
      if ("file".equals(url.getProtocol())) {
        if (seen.add(url.toString())) {
          scanDirectory(Path.of(url.toURI()), version, out);
        }
      } else if ("jar".equals(url.getProtocol())) {
        JarURLConnection conn = (JarURLConnection) url.openConnection();
        conn.setUseCaches(false);
        if (!seen.add(conn.getJarFileURL().toString())) {
          continue;
        }
        try (JarFile jar = conn.getJarFile()) {
          Enumeration<JarEntry> entries = jar.entries();
          while (entries.hasMoreElements()) {
            JarEntry e = entries.nextElement();
            String name = e.getName();
            if (e.isDirectory() || !name.startsWith(dir)) {
              continue;
            }
            String fileName = name.substring(name.lastIndexOf('/') + 1);
            if (matches(fileName, version)) {
              try (InputStream in = jar.getInputStream(e)) {
                out.add(
                    new Undo(
                        fileName,
                        "jar:" + conn.getJarFileURL() + "!/" + name,
                        text(in.readAllBytes())));
              }
            }
          }
        }
      }
    }
  }

  private static String text(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }
}
