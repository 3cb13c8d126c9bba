package com.avnology.backup.examples.cli;

import com.avnology.backup.postgres.PostgresTarget;
import picocli.CommandLine.Option;

/** {@code --postgres JDBC_URL [--jobs N] [--clean]}; the password comes from PGPASSWORD. */
final class PostgresOptionsMixin {
  @Option(
      names = "--postgres",
      paramLabel = "JDBC_URL",
      description =
          "A PostgreSQL database, such as jdbc:postgresql://localhost:5432/app?user=app;"
              + " the password comes from PGPASSWORD or the URL and is never printed")
  String url;

  @Option(
      names = "--jobs",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Parallel connections for the database; with --data-dir, parts of the"
              + " physical backup written (or restored) at once (default: ${DEFAULT-VALUE})")
  int jobs;

  boolean present() {
    return url != null;
  }

  /** {@return a data source for {@link #url}, with the password from PGPASSWORD if any} */
  javax.sql.DataSource dataSource() {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setURL(url);
    String password = System.getenv("PGPASSWORD");
    if (password != null && !url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      ds.setPassword(password);
    }
    return ds;
  }

  PostgresTarget.Builder builder() {
    PostgresTarget.Builder b = PostgresTarget.builder(url).jobs(jobs);
    String password = System.getenv("PGPASSWORD");
    if (password != null && !url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      b.password(password);
    }
    return b;
  }
}
