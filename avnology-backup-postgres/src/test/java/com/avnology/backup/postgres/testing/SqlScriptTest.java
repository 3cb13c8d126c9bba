package com.avnology.backup.postgres.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

final class SqlScriptTest {
  @Test
  void split_quotesDollarQuotesAndComments_splitOnlyAtTopLevelSemicolons() {
    String script =
        """
        -- a; comment
        SELECT 'a;b', E'it\\'s;', "x;y";
        CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
        /* block; */ SELECT $$;$$ ; ;
        -- trailing; comment
        """;

    assertThat(SqlScript.split(script))
        .containsExactly(
            "-- a; comment\nSELECT 'a;b', E'it\\'s;', \"x;y\"",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$",
            "/* block; */ SELECT $$;$$");
  }

  @Test
  void split_allKindsFixture_statementByStatementSameDatabaseAsWholeScript() throws Exception {
    String sql = Fidelity.resource(Fidelity.ALL_KINDS);
    String whole = EmbeddedPg.createDatabase("whole");
    Fidelity.applySql(sql, whole);
    String split = EmbeddedPg.createDatabase("split");
    try (Connection c = EmbeddedPg.dataSource(split).getConnection();
        Statement s = c.createStatement()) {
      for (String statement : SqlScript.split(sql)) {
        s.execute(statement);
      }
    }

    Fidelity.assertSameMap(
        "catalog snapshot",
        Fidelity.catalogSnapshot(EmbeddedPg.dataSource(whole)),
        Fidelity.catalogSnapshot(EmbeddedPg.dataSource(split)));
    Fidelity.assertSameMap(
        "table hashes",
        Fidelity.tableHashes(EmbeddedPg.dataSource(whole)),
        Fidelity.tableHashes(EmbeddedPg.dataSource(split)));
  }
}
