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
  void backup_databaseWithCustomAccessMethod_failsNamingItAndPublishesNothing() throws Exception {
    String db = EmbeddedPg.createDatabase("am");
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int);"
          + " CREATE ACCESS METHOD dummy_am TYPE TABLE HANDLER heap_tableam_handler");
    }
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup = Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(db)).build()).sink(sink).build();

    assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("holds objects this version cannot back up yet: access method"
            + " dummy_am; nothing was published");
    assertThat(sink.list()).isEmpty();
  }
}
