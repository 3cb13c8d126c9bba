package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.s3.S3Sink;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.github.luben.zstd.Zstd;
import io.minio.MinioAsyncClient;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import kotlin.Unit;
import okhttp3.OkHttpClient;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.io.IOUtils;
import org.apache.commons.lang3.StringUtils;
import org.flywaydb.core.Flyway;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;
import org.slf4j.Logger;

/**
 * The library's modules export their API packages and nothing else: a module outside the library
 * that requires them compiles against the API and fails, with javac's "not visible", on every
 * {@code internal} package.
 */
final class ModuleBoundaryTest {
  private static final Set<String> MODULES =
      Set.of("com.avnology.backup", "com.avnology.backup.s3", "com.avnology.backup.postgres");

  private static final Set<String> API =
      Set.of(
          "com.avnology.backup",
          "com.avnology.backup.retention",
          "com.avnology.backup.schedule",
          "com.avnology.backup.s3",
          "com.avnology.backup.postgres",
          "com.avnology.backup.postgres.physical",
          "com.avnology.backup.postgres.seeding");

  /** The library's modules and what they require, from this test's class path. */
  private static List<Path> modulePath;

  private static List<ModuleDescriptor> descriptors;

  @BeforeAll
  static void findModules() {
    modulePath =
        Stream.of(
                // the library's three modules (their class directories or jars)
                Backup.class,
                S3Sink.class,
                PostgresTarget.class,
                // what they require, and what those require
                Logger.class,
                TarArchiveEntry.class,
                StringUtils.class,
                Hex.class,
                IOUtils.class,
                Zstd.class,
                CronParser.class,
                JsonFactory.class,
                MinioAsyncClient.class,
                OkHttpClient.class,
                Unit.class,
                Driver.class,
                Flyway.class,
                PostgreSQLConfigurationExtension.class)
            .map(ModuleBoundaryTest::location)
            .distinct()
            .collect(Collectors.toList());
    descriptors =
        ModuleFinder.of(modulePath.subList(0, 3).toArray(Path[]::new)).findAll().stream()
            .map(m -> m.descriptor())
            .collect(Collectors.toList());
  }

  @Test
  void descriptors_exportTheApiPackages_andNoInternalOne() {
    assertThat(descriptors)
        .extracting(ModuleDescriptor::name)
        .containsExactlyInAnyOrderElementsOf(MODULES);
    Set<String> exported = new TreeSet<>();
    Set<String> internal = new TreeSet<>();
    for (ModuleDescriptor d : descriptors) {
      assertThat(d.isAutomatic()).as(d.name()).isFalse();
      d.exports().forEach(e -> exported.add(e.source()));
      d.packages().stream().filter(p -> p.contains(".internal")).forEach(internal::add);
      assertThat(d.opens()).as("%s opens nothing", d.name()).isEmpty();
    }
    assertThat(exported).containsExactlyInAnyOrderElementsOf(API);
    assertThat(internal)
        .contains(
            "com.avnology.backup.internal",
            "com.avnology.backup.s3.internal",
            "com.avnology.backup.postgres.internal.engine");
  }

  @Test
  void moduleOutsideTheLibrary_compilesAgainstTheApi(@TempDir Path dir) throws IOException {
    StringBuilder probe = new StringBuilder("package probe;\n\n");
    API.stream().sorted().forEach(p -> probe.append("import ").append(p).append(".*;\n"));
    probe.append(
        """

        public final class Probe {
          public static final Class<?>[] API = {
            Backup.class, Schedule.class, RetentionPolicy.class, S3Sink.class,
            PostgresTarget.class, PhysicalTarget.class, DatabaseSnapshot.class
          };
        }
        """);
    List<Diagnostic<? extends JavaFileObject>> errors = compileProbe(dir, probe.toString());

    assertThat(errors).isEmpty();
    assertThat(dir.resolve("out/probe/Probe.class")).exists();
  }

  @Test
  void moduleOutsideTheLibrary_cannotReachAnyInternalPackage(@TempDir Path dir) throws IOException {
    Set<String> internal = packagesWithTypes();
    internal.removeAll(API);
    assertThat(internal).hasSizeGreaterThanOrEqualTo(11).allMatch(p -> p.contains(".internal"));
    StringBuilder probe = new StringBuilder("package probe;\n\n");
    internal.forEach(p -> probe.append("import ").append(p).append(".*;\n"));
    probe.append("\nfinal class Probe {}\n");

    List<Diagnostic<? extends JavaFileObject>> errors = compileProbe(dir, probe.toString());

    assertThat(errors)
        .allSatisfy(e -> assertThat(e.getCode()).isEqualTo("compiler.err.package.not.visible"));
    Set<String> refused = new TreeSet<>();
    for (Diagnostic<? extends JavaFileObject> e : errors) {
      String message = e.getMessage(Locale.ROOT);
      assertThat(message).contains("does not export it");
      internal.stream().filter(p -> message.contains("package " + p + " ")).forEach(refused::add);
    }
    assertThat(refused).isEqualTo(internal);
  }

  /**
   * The library's packages that hold a type (javac calls one that holds only {@code package-info}
   * nonexistent, visible or not).
   */
  private static Set<String> packagesWithTypes() throws IOException {
    Set<String> packages = new TreeSet<>();
    for (ModuleReference m :
        ModuleFinder.of(modulePath.subList(0, 3).toArray(Path[]::new)).findAll()) {
      try (ModuleReader reader = m.open();
          Stream<String> names = reader.list()) {
        names
            .filter(n -> n.endsWith(".class") && n.contains("/"))
            .filter(n -> !n.endsWith("/package-info.class"))
            .map(n -> n.substring(0, n.lastIndexOf('/')).replace('/', '.'))
            .forEach(packages::add);
      }
    }
    return packages;
  }

  /** Compiles module {@code probe}, requiring the library, with {@code source} as its one class. */
  private static List<Diagnostic<? extends JavaFileObject>> compileProbe(Path dir, String source)
      throws IOException {
    Path module = Files.writeString(dir.resolve("module-info.java"), moduleInfo());
    Files.createDirectories(dir.resolve("probe"));
    Path probe = Files.writeString(dir.resolve("probe/Probe.java"), source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = new ArrayList<>();
      options.add("--module-path");
      options.add(
          modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
      // nothing from this test's class path (javac's default): only the module path counts
      options.add("--class-path");
      options.add(Files.createDirectories(dir.resolve("no-class-path")).toString());
      options.add("-d");
      options.add(dir.resolve("out").toString());
      options.add("-proc:none");
      javac
          .getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(module, probe))
          .call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .collect(Collectors.toList());
  }

  private static String moduleInfo() {
    return """
        module probe {
          requires com.avnology.backup.postgres;
          requires com.avnology.backup.s3;
        }
        """;
  }

  private static Path location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no path for " + c, e);
    }
  }
}
