import com.avnology.backup.postgres.seeding.DatabaseSnapshot;
import com.avnology.backup.postgres.seeding.Seed;
import com.avnology.backup.postgres.seeding.SeedMode;
import com.avnology.backup.postgres.seeding.SeededDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Per-test seeding of the Ory Kratos database (346 migrations) against running the migrations:
 * template copies, restores from the archive and in-place resets. Run through bench/seeding.sh.
 */
public final class SeedingBench {
  public static void main(String[] args) throws Exception {
    Path kratos = Path.of(args[0], "ory-kratos-migrations");
    int copies = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path sockets = Files.createTempDirectory("bench-sockets");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setServerConfig("unix_socket_directories", sockets.toString()).start()) {
      String server = pg.getJdbcUrl("postgres", "postgres");
      Seed migrations = Seed.migrations("filesystem:" + kratos);
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE warmup");
        s.execute("CREATE DATABASE migrated");
      }
      long t0 = System.nanoTime();
      DatabaseSnapshot.builder(pg.getJdbcUrl("postgres", "warmup")).mode(SeedMode.RESET)
          .seed(migrations).build().close(); // warms Flyway and the JIT
      double warm = ms(t0);
      t0 = System.nanoTime();
      DatabaseSnapshot reset = DatabaseSnapshot.builder(pg.getJdbcUrl("postgres", "migrated"))
          .mode(SeedMode.RESET).seed(migrations).build();
      double migrate = ms(t0);
      System.out.printf("346 Kratos migrations: %.0f ms (first, cold JVM: %.0f ms)%n", migrate, warm);

      t0 = System.nanoTime();
      try (DatabaseSnapshot snapshot = DatabaseSnapshot.builder(server).prefix("bench")
          .seed(migrations).build()) {
        System.out.printf("template snapshot capture: %.0f ms%n", ms(t0));
        snapshot.copy().close();
        double create = 0;
        double drop = 0;
        for (int i = 0; i < copies; i++) {
          long a = System.nanoTime();
          SeededDatabase db = snapshot.copy();
          create += ms(a);
          a = System.nanoTime();
          db.close();
          drop += ms(a);
        }
        create /= copies;
        drop /= copies;
        System.out.printf("TEMPLATE copy: %.1f ms, drop: %.1f ms (avg of %d)%n", create, drop,
            copies);
        System.out.printf("ratio copy / migrations: %.4f; (copy + drop) / migrations: %.4f%n",
            create / migrate, (create + drop) / migrate);
      }
      try (DatabaseSnapshot snapshot = DatabaseSnapshot.builder(server).prefix("benchr")
          .mode(SeedMode.RESTORE).seed(migrations).build()) {
        snapshot.copy().close();
        double total = 0;
        int n = Math.max(3, copies / 5);
        for (int i = 0; i < n; i++) {
          long a = System.nanoTime();
          SeededDatabase db = snapshot.copy();
          total += ms(a);
          db.close();
        }
        System.out.printf("RESTORE copy: %.1f ms (avg of %d), ratio %.4f%n", total / n, n,
            total / n / migrate);
      }
      double resetOne = 0;
      double resetNone = 0;
      int n = copies;
      for (int i = 0; i < n; i++) {
        SeededDatabase db = reset.copy();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
          s.execute("UPDATE flyway_schema_history SET success = true WHERE installed_rank = 1");
        }
        long a = System.nanoTime();
        db.close();
        resetOne += ms(a);
        db = reset.copy();
        a = System.nanoTime();
        db.close();
        resetNone += ms(a);
      }
      System.out.printf("RESET after a test that changed one table: %.1f ms; that changed"
          + " nothing: %.1f ms (avg of %d)%n", resetOne / n, resetNone / n, n);
      reset.close();
    }
  }

  private static double ms(long since) {
    return (System.nanoTime() - since) / 1e6;
  }
}
