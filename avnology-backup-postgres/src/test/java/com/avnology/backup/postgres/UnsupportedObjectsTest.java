package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class UnsupportedObjectsTest {
  @TempDir Path tmp;

  @Test
  void backup_databaseWithTransform_failsNamingItAndPublishesNothing() throws Exception {
    String db = EmbeddedPg.createDatabase("transform");
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int);"
          + " CREATE TRANSFORM FOR int LANGUAGE sql (FROM SQL WITH FUNCTION"
          + " prsd_lextype(internal), TO SQL WITH FUNCTION int4recv(internal))");
    }
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup = Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(db)).build()).sink(sink).build();

    assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("holds objects this version cannot back up yet: transform ")
        .hasMessageContaining("; nothing was published");
    assertThat(sink.list()).isEmpty();
  }
}
