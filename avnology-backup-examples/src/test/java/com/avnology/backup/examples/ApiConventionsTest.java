package com.avnology.backup.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.s3.S3Sink;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * One entry idiom across the public API (CONTRIBUTING.md, "Entry points"): an object with optional
 * settings starts at {@code static builder(required…)}; {@code static of(required…)} returns its
 * own type; no immutable {@code with…} copies. Reflects over every public class of the exported
 * packages of core, s3 and postgres (everything but {@code internal}).
 */
final class ApiConventionsTest {
  private static final Set<String> EXPORTED_PACKAGES =
      Set.of(
          "com.avnology.backup",
          "com.avnology.backup.retention",
          "com.avnology.backup.schedule",
          "com.avnology.backup.s3",
          "com.avnology.backup.postgres",
          "com.avnology.backup.postgres.physical",
          "com.avnology.backup.postgres.seeding");

  /**
   * Records of more than three components without a builder: results and reports. The library makes
   * them and callers only read them, so a component added later breaks no caller's code; records a
   * caller makes (such as {@code Manifest} and its entries) get a builder.
   */
  private static final Set<String> RESULT_RECORDS =
      Set.of(
          "com.avnology.backup.BackupResult",
          "com.avnology.backup.Progress",
          "com.avnology.backup.RestoreDescription$Step",
          "com.avnology.backup.RestoreResult",
          "com.avnology.backup.SinkStatus",
          "com.avnology.backup.SinkStatus$Target",
          "com.avnology.backup.TargetResult",
          "com.avnology.backup.retention.PruneReport",
          "com.avnology.backup.retention.PruneReport$Decision",
          "com.avnology.backup.schedule.JobHistory",
          "com.avnology.backup.schedule.JobStatus",
          "com.avnology.backup.schedule.RunRecord",
          "com.avnology.backup.s3.MirrorAction",
          "com.avnology.backup.s3.MirrorResult",
          "com.avnology.backup.postgres.AppliedMigration",
          "com.avnology.backup.postgres.MigrationChangedException$Change",
          "com.avnology.backup.postgres.MigrationResult",
          "com.avnology.backup.postgres.TenantRestoreReport",
          "com.avnology.backup.postgres.TenantRestoreReport$Table",
          "com.avnology.backup.postgres.physical.WalArchive$Range",
          "com.avnology.backup.postgres.physical.WalGaps$Report",
          "com.avnology.backup.postgres.physical.WalStreamer$Result");

  /** Methods that return their own object, not a copy (reflection cannot tell the two apart). */
  private static final Set<String> RETURN_THIS = Set.of("Scheduler.start");

  @Test
  void publicApi_followsOneEntryIdiom() throws Exception {
    List<Class<?>> api = publicApiClasses();
    assertThat(api)
        .extracting(Class::getName)
        .contains(
            "com.avnology.backup.Manifest",
            "com.avnology.backup.retention.Pruner",
            "com.avnology.backup.schedule.Job",
            "com.avnology.backup.s3.S3Sink",
            "com.avnology.backup.postgres.PostgresOptions",
            "com.avnology.backup.postgres.physical.PhysicalTarget",
            "com.avnology.backup.postgres.seeding.DatabaseSnapshot",
            "com.avnology.backup.Compression",
            "com.avnology.backup.postgres.Migrations");
    assertThat(api).extracting(Class::getName).containsAll(RESULT_RECORDS);
    List<String> violations = new ArrayList<>();
    for (Class<?> c : api) {
      violations.addAll(violations(c));
      if (!RESULT_RECORDS.contains(c.getName())) {
        recordWithoutBuilder(c).ifPresent(violations::add);
      }
    }
    assertThat(violations).as("see CONTRIBUTING.md, Entry points").isEmpty();
  }

  @Test
  void checker_flagsEachBrokenRule() {
    assertThat(violations(FromBuilder.class))
        .containsExactly(
            "ApiConventionsTest.FromBuilder.from returns a Builder: name it builder(required…)");
    assertThat(violations(Wither.class))
        .containsExactly(
            "ApiConventionsTest.Wither.withSize returns a changed copy: use toBuilder() or a"
                + " builder, no with… copies");
    assertThat(violations(CopySetter.class))
        .containsExactly(
            "ApiConventionsTest.CopySetter.size returns a changed copy: make it a setter of a"
                + " builder");
    assertThat(violations(OfOther.class))
        .containsExactly(
            "ApiConventionsTest.OfOther.of returns String, not OfOther: of(…) is the shorthand"
                + " for builder(…).build() or a type's only factory");
    assertThat(violations(OfWithOptional.class))
        .containsExactly(
            "ApiConventionsTest.OfWithOptional.of[String, int] takes optional settings beyond"
                + " of[String]: give them to builder(…)");
    assertThat(violations(OfBesideBuilder.class))
        .containsExactly(
            "ApiConventionsTest.OfBesideBuilder.of[int] is no shorthand of builder(…): take its"
                + " arguments");
    assertThat(violations(Conforming.class)).isEmpty();
    assertThat(recordWithoutBuilder(WideRecord.class))
        .contains(
            "ApiConventionsTest.WideRecord has 4 components and no static builder: give it one"
                + " (a positional constructor cannot take another field)");
    assertThat(recordWithoutBuilder(Wither.class)).isEmpty();
  }

  /** {@return the problem, if a record of more than three components offers no builder} */
  static Optional<String> recordWithoutBuilder(Class<?> c) {
    if (!c.isRecord() || c.getRecordComponents().length <= 3) {
      return Optional.empty();
    }
    for (Method m : c.getDeclaredMethods()) {
      if (m.getName().equals("builder")
          && Modifier.isStatic(m.getModifiers())
          && Modifier.isPublic(m.getModifiers())) {
        return Optional.empty();
      }
    }
    return Optional.of(
        simpleName(c)
            + " has "
            + c.getRecordComponents().length
            + " components and no static builder: give it one (a positional constructor cannot"
            + " take another field)");
  }

  private static String simpleName(Class<?> c) {
    return c.getName().substring(c.getName().lastIndexOf('.') + 1).replace('$', '.');
  }

  /** {@return what breaks the entry rules in one class, by method} */
  static List<String> violations(Class<?> c) {
    List<String> out = new ArrayList<>();
    String owner = simpleName(c);
    for (Method m : c.getDeclaredMethods()) {
      int mod = m.getModifiers();
      if (!Modifier.isPublic(mod) || m.isSynthetic() || m.isBridge()) {
        continue;
      }
      String where = owner + "." + m.getName();
      boolean isStatic = Modifier.isStatic(mod);
      if (isStatic
          && m.getReturnType().getSimpleName().equals("Builder")
          && !m.getName().equals("builder")) {
        out.add(where + " returns a Builder: name it builder(required…)");
      }
      if (m.getName().matches("with[A-Z].*") && m.getReturnType().equals(c)) {
        out.add(where + " returns a changed copy: use toBuilder() or a builder, no with… copies");
      } else if (!isStatic
          && m.getReturnType().equals(c)
          && !c.isInterface()
          && !c.getSimpleName().equals("Builder")
          && !RETURN_THIS.contains(where)) {
        out.add(where + " returns a changed copy: make it a setter of a builder");
      }
      if (isStatic && m.getName().equals("of") && !m.getReturnType().equals(c)) {
        out.add(
            where
                + " returns "
                + m.getReturnType().getSimpleName()
                + ", not "
                + c.getSimpleName()
                + ": of(…) is the shorthand for builder(…).build() or a type's only factory");
      }
    }
    out.addAll(ofShorthands(c, owner));
    return out;
  }

  /**
   * {@return what breaks the {@code of} rule: an overload taking more than another (the extra
   * arguments are optional settings: a builder's), or an {@code of} beside a builder that does not
   * take the builder's arguments}
   */
  private static List<String> ofShorthands(Class<?> c, String owner) {
    List<List<Class<?>>> ofs = new ArrayList<>();
    List<List<Class<?>>> builders = new ArrayList<>();
    for (Method m : c.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
        if (m.getName().equals("of")) {
          ofs.add(List.of(m.getParameterTypes()));
        } else if (m.getName().equals("builder")) {
          builders.add(List.of(m.getParameterTypes()));
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (List<Class<?>> of : ofs) {
      for (List<Class<?>> shorter : ofs) {
        if (shorter.size() < of.size() && of.subList(0, shorter.size()).equals(shorter)) {
          out.add(
              owner
                  + ".of"
                  + names(of)
                  + " takes optional settings beyond of"
                  + names(shorter)
                  + ": give them to builder(…)");
        }
      }
      if (!builders.isEmpty() && !builders.contains(of)) {
        out.add(owner + ".of" + names(of) + " is no shorthand of builder(…): take its arguments");
      }
    }
    return out;
  }

  private static String names(List<Class<?>> types) {
    return types.stream().map(Class::getSimpleName).toList().toString();
  }

  /** {@return the public classes, nested ones included, of the exported packages} */
  private static List<Class<?>> publicApiClasses() throws IOException, URISyntaxException {
    Set<String> names = new TreeSet<>();
    for (Class<?> anchor : List.of(Backup.class, S3Sink.class, PostgresTarget.class)) {
      Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      names.addAll(classNames(root));
    }
    List<Class<?>> out = new ArrayList<>();
    for (String name : names) {
      String pkg = name.substring(0, name.lastIndexOf('.'));
      if (!EXPORTED_PACKAGES.contains(pkg) || name.endsWith("package-info")) {
        continue;
      }
      Class<?> c;
      try {
        c = Class.forName(name, false, ApiConventionsTest.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("listed but not loadable: " + name, e);
      }
      if (isPublicAllTheWay(c)) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean isPublicAllTheWay(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  /** {@return binary names of the classes in a class directory or jar} */
  private static List<String> classNames(Path root) throws IOException {
    List<String> paths = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        files.map(f -> root.relativize(f).toString().replace('\\', '/')).forEach(paths::add);
      }
    } else {
      try (ZipFile jar = new ZipFile(root.toFile())) {
        jar.stream().map(ZipEntry::getName).forEach(paths::add);
      }
    }
    return paths.stream()
        .filter(p -> p.startsWith("com/avnology/backup/") && p.endsWith(".class"))
        .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
        .toList();
  }

  // ------------------------------------------------------------------ fixtures the checker flags

  /** Starts at a builder under another name. */
  public static final class FromBuilder {
    private FromBuilder() {}

    /** {@return a builder, wrongly named} */
    public static Builder from() {
      return new Builder();
    }

    /** A builder. */
    public static final class Builder {}
  }

  /**
   * Offers an immutable "with" copy.
   *
   * @param size a size
   */
  public record Wither(int size) {
    /**
     * {@return a copy with another size}
     *
     * @param size the new size
     */
    public Wither withSize(int size) {
      return new Wither(size);
    }
  }

  /**
   * Four components, no builder.
   *
   * @param a one
   * @param b two
   * @param c three
   * @param d four
   */
  public record WideRecord(int a, int b, int c, int d) {}

  /**
   * A setting that returns a changed copy.
   *
   * @param size a size
   */
  public record CopySetter(int size) {
    /**
     * {@return a copy of another size}
     *
     * @param size the new size
     */
    public CopySetter size(int size) {
      return new CopySetter(size);
    }
  }

  /** An {@code of} that makes something else. */
  public static final class OfOther {
    private OfOther() {}

    /** {@return not an OfOther} */
    public static String of() {
      return "other";
    }
  }

  /** An optional setting as a second {@code of}. */
  public static final class OfWithOptional {
    private OfWithOptional() {}

    /**
     * {@return one}
     *
     * @param name a name
     */
    public static OfWithOptional of(String name) {
      return of(name, 0);
    }

    /**
     * {@return one}
     *
     * @param name a name
     * @param size an optional size
     */
    public static OfWithOptional of(String name, int size) {
      return new OfWithOptional();
    }
  }

  /** An {@code of} that is not its builder's shorthand. */
  public static final class OfBesideBuilder {
    private OfBesideBuilder() {}

    /**
     * {@return one}
     *
     * @param size a size
     */
    public static OfBesideBuilder of(int size) {
      return new OfBesideBuilder();
    }

    /**
     * {@return a builder}
     *
     * @param name a name
     */
    public static Conforming.Builder builder(String name) {
      return Conforming.builder();
    }
  }

  /** Follows every rule. */
  public static final class Conforming {
    private Conforming() {}

    /** {@return the shorthand} */
    public static Conforming of() {
      return builder().build();
    }

    /** {@return a builder} */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder. */
    public static final class Builder {
      private Builder() {}

      /** {@return the object} */
      public Conforming build() {
        return new Conforming();
      }
    }
  }
}
