package com.avnology.backup.postgres.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting pg_dump --inserts data as pg_restore does. */
final class InsertStatementsTest {

  private static List<String> split(String data) throws IOException {
    InsertStatements statements = new InsertStatements(new StringReader(data));
    List<String> out = new ArrayList<>();
    for (String s = statements.next(); s != null; s = statements.next()) {
      out.add(s);
    }
    return out;
  }

  @Test
  void next_splitsAtSemicolonsOutsideQuotes() throws IOException {
    assertThat(
            split(
                """
                INSERT INTO public.t VALUES (1, 'a;
                ''b');
                INSERT INTO public."x;""y" ("c;") VALUES ('"', NULL);

                INSERT INTO public.t DEFAULT VALUES;
                """))
        .containsExactly(
            "INSERT INTO public.t VALUES (1, 'a;\n''b');",
            "INSERT INTO public.\"x;\"\"y\" (\"c;\") VALUES ('\"', NULL);",
            "INSERT INTO public.t DEFAULT VALUES;");
  }

  @Test
  void next_emptyData_noStatement() throws IOException {
    assertThat(split("")).isEmpty();
    assertThat(split("\n\n")).isEmpty();
  }

  @Test
  void next_dataEndingInsideAStatement_fails() {
    assertThatThrownBy(() -> split("INSERT INTO t VALUES (1);\nINSERT INTO t VALUES ('a;"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the data ends inside a statement (INSERT INTO t VALUES ('a;");
  }
}
