package com.avnology.backup.postgres.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps this module's test helpers distinct: one class per simple name (one fidelity harness, not
 * two {@code Fidelity}s), and none named like a public API class it would shadow in imports and
 * stack traces (as a test-only {@code PgDumpArchive} once did).
 */
final class TestHelperNamesTest {
  private static final List<String> API_PACKAGES =
      List.of(
          "com.avnology.backup",
          "com.avnology.backup.retention",
          "com.avnology.backup.schedule",
          "com.avnology.backup.postgres",
          "com.avnology.backup.postgres.physical",
          "com.avnology.backup.postgres.seeding");

  @Test
  void testClasses_haveDistinctNamesThatShadowNoApiClass() throws Exception {
    Map<String, List<String>> bySimpleName = new TreeMap<>();
    for (String name : testClassNames()) {
      String simple = name.substring(name.lastIndexOf('.') + 1);
      bySimpleName.computeIfAbsent(simple, k -> new ArrayList<>()).add(name);
    }
    List<String> problems = new ArrayList<>();
    bySimpleName.forEach(
        (simple, names) -> {
          if (names.size() > 1) {
            problems.add(simple + " is declared " + names.size() + " times: " + names);
          }
          for (String api : API_PACKAGES) {
            String shadowed = api + "." + simple;
            if (!names.contains(shadowed) && exists(shadowed)) {
              problems.add(names + " shadows the API class " + shadowed);
            }
          }
        });
    assertThat(bySimpleName).containsKeys("Fidelity", "CatalogRoundTrip", "TestHelperNamesTest");
    assertThat(problems).as("rename the test classes").isEmpty();
  }

  /** {@return the top-level classes compiled from this module's test sources} */
  private static List<String> testClassNames() throws IOException, URISyntaxException {
    Path root =
        Path.of(
            TestHelperNamesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .filter(
              f -> f.endsWith(".class") && !f.contains("$") && !f.endsWith("package-info.class"))
          .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
          .toList();
    }
  }

  private static boolean exists(String className) {
    try {
      Class.forName(className, false, TestHelperNamesTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
