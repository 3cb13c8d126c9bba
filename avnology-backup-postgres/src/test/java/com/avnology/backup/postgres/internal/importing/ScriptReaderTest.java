package com.avnology.backup.postgres.internal.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** psql's statement splitting, on what pg_dump writes and what trips naive splitters. */
final class ScriptReaderTest {
  private static List<String> split(String script) throws IOException {
    ScriptReader r = new ScriptReader(new StringReader(script));
    List<String> out = new ArrayList<>();
    ScriptReader.Command c;
    while ((c = r.next()) != null) {
      out.add(c.kind() + ":" + c.text());
      if (c.kind() == ScriptReader.Kind.COPY) {
        String line;
        while ((line = r.copyLine()) != null) {
          out.add("ROW:" + line);
        }
      }
    }
    return out;
  }

  @Test
  void quotesCommentsAndBodies_doNotEndStatements() throws IOException {
    String script =
        """
        \\restrict abc123
        -- a comment; with a semicolon
        SET standard_conforming_strings = on;
        SELECT 'a;''b', E'c\\';d', "we;ird" /* x; /* nested; */ y */ FROM t;
        CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END $fn$;
        CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql
        BEGIN ATOMIC
         SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;
         SELECT a;
        END;
        CREATE TABLE x$y (v int DEFAULT $1$);
        COPY public.t (a, b) FROM stdin;
        1\tsemi;colon
        2\t\\N
        \\.
        SELECT $$ $not$ ; $$;
        \\unrestrict abc123
        """;

    assertThat(split(script))
        .containsExactly(
            "META:\\restrict abc123",
            "SQL:SET standard_conforming_strings = on",
            "SQL:SELECT 'a;''b', E'c\\';d', \"we;ird\"   FROM t",
            "SQL:CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END $fn$",
            "SQL:CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n SELECT CASE WHEN"
                + " a > 0 THEN 1 ELSE 2 END;\n SELECT a;\nEND",
            "SQL:CREATE TABLE x$y (v int DEFAULT $1$)",
            "COPY:COPY public.t (a, b) FROM stdin",
            "ROW:1\tsemi;colon",
            "ROW:2\t\\N",
            "SQL:SELECT $$ $not$ ; $$",
            "META:\\unrestrict abc123");
  }

  @Test
  void truncatedScripts_areReportedWithTheirLine() {
    assertThatThrownBy(() -> split("SELECT 1;\nSELECT 'open"))
        .isInstanceOf(ScriptException.class)
        .hasMessageContaining("inside a quoted string")
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> split("COPY t FROM stdin;\n1\n2\n"))
        .isInstanceOf(ScriptException.class)
        .hasMessageContaining("inside the data of a COPY");
    assertThatThrownBy(() -> split("CREATE FUNCTION f() AS $b$ x"))
        .isInstanceOf(ScriptException.class)
        .hasMessageContaining("$b$ quoted body");
    assertThatThrownBy(() -> split("SELECT 1"))
        .isInstanceOf(ScriptException.class)
        .hasMessageContaining("no semicolon");
  }

  @Test
  void sessionSettings_becomeLocalToTheScriptsTransaction() {
    assertThat(PlainScript.local("SET statement_timeout = 0"))
        .isEqualTo("SET LOCAL statement_timeout = 0");
    assertThat(PlainScript.local("SET LOCAL x = 1")).isEqualTo("SET LOCAL x = 1");
    assertThat(PlainScript.local("SELECT pg_catalog.set_config('search_path', '', false)"))
        .isEqualTo("SELECT pg_catalog.set_config('search_path', '', true)");
    assertThat(PlainScript.local("SETOF")).isEqualTo("SETOF");
  }

  @Test
  void copyTable_isTheQualifiedName() {
    assertThat(PlainScript.copyTable("COPY public.\"Weird \"\"x\"\"\" (a) FROM stdin"))
        .isEqualTo("public.\"Weird \"\"x\"\"\"");
    assertThat(PlainScript.copyTable("COPY s.t FROM stdin")).isEqualTo("s.t");
  }
}
