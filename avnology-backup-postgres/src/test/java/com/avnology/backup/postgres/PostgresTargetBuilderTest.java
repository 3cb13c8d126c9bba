package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The builder's one name rule (the core's) and a password that stays with the target it built. */
final class PostgresTargetBuilderTest {
  static String password(PostgresTarget target) throws SQLException {
    return target.dataSource().unwrap(PGSimpleDataSource.class).getPassword();
  }

  @Test
  void password_afterBuild_changesOnlyTheTargetsBuiltLater() throws SQLException {
    PostgresTarget.Builder builder =
        PostgresTarget.builder("jdbc:postgresql://localhost:5432/app?user=app").password("first");
    PostgresTarget first = builder.build();

    PostgresTarget second = builder.password("second").build();

    assertThat(password(first)).isEqualTo("first");
    assertThat(password(second)).isEqualTo("second");
    assertThat(first.dataSource().unwrap(PGSimpleDataSource.class))
        .isNotSameAs(second.dataSource().unwrap(PGSimpleDataSource.class));
    assertThatThrownBy(() -> PostgresTarget.builder(new PGSimpleDataSource()).password("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "password(...) applies to targets built from a JDBC URL; configure the"
                + " DataSource");
    assertThatThrownBy(() -> PostgresTarget.builder("jdbc:mysql://h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "not a PostgreSQL JDBC URL: 'jdbc:mysql://h/db'; use"
                + " jdbc:postgresql://host:5432/database");
  }

  @Test
  void name_followsTheCoreRule() {
    assertThat(PostgresTarget.builder(new PGSimpleDataSource()).name("app-db_2").build().name())
        .isEqualTo("app-db_2");
    assertThatThrownBy(() -> PostgresTarget.builder(new PGSimpleDataSource()).name("App"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "postgres target name must be 1 to 63 characters of a-z, 0-9, '-' and '_',"
                + " starting with a letter or digit: 'App'");
  }

  @Test
  void preload_initializesTheEngine_andCanBeRepeated() {
    // what the CLI's warm-up thread calls: a class whose initializer fails would fail it here
    assertThatCode(
            () -> {
              Backup.preload();
              PostgresTarget.preload();
              Backup.preload();
              PostgresTarget.preload();
            })
        .doesNotThrowAnyException();
  }
}
