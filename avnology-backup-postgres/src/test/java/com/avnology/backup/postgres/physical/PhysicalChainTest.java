package com.avnology.backup.postgres.physical;

import static com.avnology.backup.postgres.physical.PhysicalTesting.query;
import static com.avnology.backup.postgres.physical.PhysicalTesting.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupSink;
import com.avnology.backup.Compression;
import com.avnology.backup.Encryption;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.KeySource;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.VerifyResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full ← incremental ← incremental of a cluster with a tablespace, against a full taken at the same
 * moment; chain verification; delta restore; encryption of a chain.
 */
final class PhysicalChainTest {
  private static final String CONTENT =
      "SELECT c.relname || '=' || (xpath('/row/h/text()',"
          + " query_to_xml('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), ''''))"
          + " AS h FROM ' || quote_ident(c.relname) || ' t', false, false, '')))[1]::text"
          + " FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
          + " ORDER BY 1";
  private static final String SCHEMA =
      "SELECT table_name || '.' || column_name || ' ' || data_type"
          + " FROM information_schema.columns WHERE table_schema = 'public' UNION ALL SELECT indexdef"
          + " || coalesce(' IN ' || tablespace, '') FROM pg_indexes WHERE schemaname = 'public'"
          + " UNION ALL SELECT tablename || ' IN ' || coalesce(tablespace, 'default') FROM pg_tables"
          + " WHERE schemaname = 'public' ORDER BY 1";

  @TempDir static Path dir;
  private static EmbeddedPostgres source;
  private static Path data;
  private static Path space;
  private static Path chainSink;
  private static String full;
  private static String incr1;
  private static String incr2;
  private static String reference;
  private static List<String> contentAtIncr2;

  @BeforeAll
  static void fullThenTwoIncrementals() throws Exception {
    data = dir.resolve("source");
    space = Files.createDirectories(dir.resolve("space"));
    chainSink = dir.resolve("chain");
    source = server(data, true);
    sql(
        source,
        "CREATE TABLESPACE ts LOCATION '" + space + "'",
        "CREATE TABLE a (id int PRIMARY KEY, v text NOT NULL)",
        "INSERT INTO a SELECT g, repeat('x', 50) || g FROM generate_series(1, 40000) g",
        "CREATE TABLE b (id int PRIMARY KEY, v text) TABLESPACE ts",
        "INSERT INTO b SELECT g, 'b' || g FROM generate_series(1, 20000) g",
        "CHECKPOINT");
    Thread.sleep(1100); // the unchanged files' times settle before the full starts
    full = backup(chainSink, true, null);
    sql(source, "UPDATE a SET v = v || '!' WHERE id % 100 = 0", "CHECKPOINT");
    Thread.sleep(1100);
    incr1 = backup(chainSink, true, null);
    sql(
        source,
        "INSERT INTO b SELECT g, 'new' FROM generate_series(20001, 20500) g",
        "CREATE TABLE c AS SELECT g AS id FROM generate_series(1, 100) g",
        "CHECKPOINT");
    incr2 = backup(chainSink, true, null);
    contentAtIncr2 = query(source, CONTENT);
    reference = backup(dir.resolve("reference"), false, null);
  }

  @AfterAll
  static void stop() throws IOException {
    if (source != null) {
      source.close();
    }
  }

  @Test
  void incrementals_recordTheirChain_andStoreLessThanTheFull() {
    Map<String, Manifest.Target> t = targets(chainSink);

    assertThat(t.get(full).metadata())
        .containsEntry("backup_type", "full")
        .doesNotContainKey("parent")
        .containsKey("incremental_refused");
    assertThat(t.get(incr1).metadata())
        .containsEntry("backup_type", "incremental")
        .containsEntry("parent", full);
    assertThat(t.get(incr2).metadata()).containsEntry("parent", incr1);
    long fullBytes = Long.parseLong(t.get(full).metadata().get("bytes_stored"));
    long incrBytes = Long.parseLong(t.get(incr1).metadata().get("bytes_stored"));
    assertThat(incrBytes).isLessThan(fullBytes / 2);
    assertThat(Long.parseLong(t.get(incr1).metadata().get("files_referenced"))).isPositive();
  }

  @Test
  void incrementalChain_restored_equalsAFullTakenAtTheSameMoment() throws Exception {
    Path fromChain = restore(FileSystemSink.of(chainSink), incr2, "from-chain", null, false);
    Path fromFull =
        restore(FileSystemSink.of(dir.resolve("reference")), reference, "from-full", null, false);

    assertThat(Files.readSymbolicLink(fromChain.resolve("pg_tblspc").resolve(oid())))
        .isEqualTo(dir.resolve("from-chain-ts"));
    List<String> chainSchema;
    List<String> chainContent;
    try (EmbeddedPostgres pg = server(fromChain, false)) {
      chainSchema = query(pg, SCHEMA);
      chainContent = query(pg, CONTENT);
    }
    try (EmbeddedPostgres pg = server(fromFull, false)) {
      assertThat(chainSchema).isEqualTo(query(pg, SCHEMA)).contains("b IN ts");
      assertThat(chainContent).isEqualTo(query(pg, CONTENT)).isEqualTo(contentAtIncr2).hasSize(3);
    }
  }

  @Test
  void damagedAndMissingArtifacts_inTheChain_areNamed_andTheRestoreWritesNothing()
      throws IOException {
    Path copy = copySink(chainSink, "damaged");
    Path damaged = copy.resolve("sets/" + full + "/physical/cluster.part-0.tar.zst");
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(damaged, bytes);
    Files.delete(copy.resolve("sets/" + incr1 + "/physical/cluster.part-0.tar.zst"));

    VerifyResult result = BackupCatalog.of(FileSystemSink.of(copy)).verify(incr2);

    assertThat(result.failures())
        .extracting(c -> c.artifact().path() + " " + c.problem())
        .anySatisfy(f -> assertThat(f).startsWith(full + "/physical/cluster.part-0.tar.zst "))
        .anySatisfy(
            f -> assertThat(f).isEqualTo(incr1 + "/physical/cluster.part-0.tar.zst is missing"));
    Path target = dir.resolve("restored-damaged");
    assertThatThrownBy(
            () -> restore(FileSystemSink.of(copy), incr2, "restored-damaged", null, false))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(full + "/physical/cluster.part-0.tar.zst");
    assertThat(target).doesNotExist();
  }

  @Test
  void missingParentSet_isNamedByVerify() throws IOException {
    Path copy = copySink(chainSink, "orphan");
    Files.delete(copy.resolve("sets/" + incr1 + "/" + BackupSink.MANIFEST));

    VerifyResult result = BackupCatalog.of(FileSystemSink.of(copy)).verify(incr2);

    assertThat(result.failures())
        .extracting(c -> c.artifact().path() + " " + c.problem())
        .containsExactly(
            incr1
                + "/manifest.json is missing (parent of physical/cluster in set "
                + incr2
                + "; the chain cannot be restored: take a full backup)");
  }

  @Test
  void deltaRestore_rewritesOnlyWhatDiffers_andRemovesWhatTheBackupLacks() throws Exception {
    Path fresh = restore(FileSystemSink.of(chainSink), incr2, "delta-fresh", null, false);
    Path target = restore(FileSystemSink.of(chainSink), incr2, "delta", null, false);
    Files.writeString(target.resolve("PG_VERSION"), "99\n");
    Path relation;
    try (var databases = Files.list(target.resolve("base"))) {
      relation = databases.sorted().findFirst().orElseThrow().resolve("1259");
    }
    byte[] page = Files.readAllBytes(relation);
    page[100] ^= 1;
    Files.write(relation, page);
    Files.delete(target.resolve("global/pg_control"));
    Files.writeString(target.resolve("base/stray"), "x");
    Files.writeString(
        target.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + target + "\n");

    assertThatThrownBy(() -> restore(FileSystemSink.of(chainSink), incr2, "delta", null, true))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            target
                + " is in use: postmaster.pid names process "
                + ProcessHandle.current().pid()
                + ", which is running; stop PostgreSQL (pg_ctl stop)"
                + " before restoring into it");
    Files.writeString(target.resolve("postmaster.pid"), "999999999\n");
    RestoreResult result =
        RestorePlan.builder(FileSystemSink.of(chainSink))
            .set(incr2)
            .target(
                PhysicalTarget.builder(target)
                    .delta(true)
                    .tablespace(space, dir.resolve("delta-ts"))
                    .build())
            .build()
            .execute();

    assertThat(tree(target)).isEqualTo(tree(fresh));
    // 3 files written (changed, changed, deleted), 2 removed (stray, postmaster.pid)
    assertThat(result.targets().get(0).entries()).isEqualTo(5);
  }

  @Test
  void encryptedChain_hasNoPlaintextPage_andRestores() throws Exception {
    sql(
        source,
        "CREATE TABLE IF NOT EXISTS secret (note text)",
        "INSERT INTO secret VALUES ('marker-91ab-plaintext')",
        "CHECKPOINT");
    Encryption key = Encryption.aes256Gcm(KeySource.raw(new byte[32]));
    Path sink = dir.resolve("encrypted");
    backup(sink, false, key);
    sql(source, "INSERT INTO secret VALUES ('marker-91ab-plaintext')", "CHECKPOINT");
    String incr = backup(sink, true, key);
    assertThat(targets(sink).get(incr).metadata()).containsKey("parent");
    try (Stream<Path> files = Files.walk(sink)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain("marker-91ab-plaintext");
      }
    }

    Path target = dir.resolve("restored-encrypted");
    RestorePlan.builder(FileSystemSink.of(sink))
        .set(incr)
        .encryption(key)
        .target(
            PhysicalTarget.builder(target)
                .tablespace(space, dir.resolve("restored-encrypted-ts"))
                .build())
        .build()
        .execute();

    try (EmbeddedPostgres pg = server(target, false)) {
      assertThat(query(pg, "SELECT count(*)::text FROM secret WHERE note LIKE 'marker-91ab%'"))
          .containsExactly("2");
    }
  }

  @Test
  void incremental_withDelta_catchesAChangeThatKeptSizeAndTime() throws Exception {
    Path note = data.resolve("delta-note.txt");
    java.nio.file.attribute.FileTime old =
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600));
    Files.writeString(note, "aaaa");
    Files.setLastModifiedTime(note, old);
    Path sink = dir.resolve("delta-sink");
    backup(sink, false, null);
    Files.writeString(note, "bbbb");
    Files.setLastModifiedTime(note, old);
    String plain = backup(sink, true, null);
    PhysicalTarget.Builder withDelta =
        PhysicalTarget.builder(source.getPostgresDatabase(), data).incremental().delta(true);
    String checked =
        Backup.builder()
            .target(withDelta.build())
            .sink(FileSystemSink.of(sink))
            .build()
            .run()
            .setId();
    Files.delete(note);

    Path fromPlain = restore(FileSystemSink.of(sink), plain, "delta-plain", null, false);
    Path fromChecked = restore(FileSystemSink.of(sink), checked, "delta-checked", null, false);

    assertThat(fromPlain.resolve("delta-note.txt")).hasContent("aaaa");
    assertThat(fromChecked.resolve("delta-note.txt")).hasContent("bbbb");
    assertThat(targets(sink).get(checked).metadata()).containsEntry("parent", plain);
  }

  @Test
  void setOfTheFirstSlice_oneTar_isStillRestored_butNotByDelta() throws IOException {
    Path sink = dir.resolve("first-slice");
    String id =
        Backup.builder()
            .target(new FirstSliceSet())
            .sink(FileSystemSink.of(sink))
            .build()
            .run()
            .setId();
    Path target = dir.resolve("first-slice-restored");

    RestorePlan.builder(FileSystemSink.of(sink))
        .set(id)
        .target(PhysicalTarget.builder(target).build())
        .build()
        .execute();

    assertThat(target.resolve("base/1/1259")).hasContent("page");
    assertThat(target.resolve("PG_VERSION")).hasContent("15");
    assertThatThrownBy(
            () ->
                RestorePlan.builder(FileSystemSink.of(sink))
                    .set(id)
                    .target(PhysicalTarget.builder(target).delta(true).build())
                    .build()
                    .execute())
        .hasMessageContaining(
            "was written by an older version as one tar, which a delta restore"
                + " cannot compare: restore it into an empty directory without delta");
  }

  /** Writes a set as the first slice did: {@code cluster.tar.zst}, option {@code format=tar}. */
  private static final class FirstSliceSet implements com.avnology.backup.BackupTarget {
    @Override
    public String kind() {
      return "physical";
    }

    @Override
    public String name() {
      return "cluster";
    }

    @Override
    public void backup(com.avnology.backup.BackupContext context) {
      context.option("format", "tar");
      try (var tar =
          new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
              Compression.zstd(1)
                  .compress(context.artifact("cluster.tar.zst", Compression.Algorithm.ZSTD)))) {
        entry(tar, "base/", null);
        entry(tar, "base/1/", null);
        entry(tar, "base/1/1259", "page");
        entry(tar, "PG_VERSION", "15");
        tar.finish();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private static void entry(
        org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar,
        String name,
        String text)
        throws IOException {
      var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
      byte[] bytes = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
      e.setSize(bytes.length);
      e.setMode(text == null ? 040700 : 0100600);
      tar.putArchiveEntry(e);
      tar.write(bytes);
      tar.closeArchiveEntry();
    }

    @Override
    public void restore(com.avnology.backup.RestoreContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private static String backup(Path sink, boolean incremental, Encryption key) {
    PhysicalTarget.Builder target = PhysicalTarget.builder(source.getPostgresDatabase(), data);
    if (incremental) {
      target.incremental();
    }
    Backup.Builder b =
        Backup.builder()
            .target(target.build())
            .sink(FileSystemSink.of(sink))
            .compression(key == null ? Compression.zstd(1) : Compression.none());
    if (key != null) {
      b.encryption(key);
    }
    return b.build().run().setId();
  }

  private static Path restore(
      FileSystemSink sink, String id, String name, Encryption key, boolean delta) {
    Path target = dir.resolve(name);
    var plan =
        RestorePlan.builder(sink)
            .set(id)
            .target(
                PhysicalTarget.builder(target)
                    .delta(delta)
                    .tablespace(space, dir.resolve(name + "-ts"))
                    .build());
    if (key != null) {
      plan.encryption(key);
    }
    plan.build().execute();
    return target;
  }

  private static Map<String, Manifest.Target> targets(Path sink) {
    Map<String, Manifest.Target> t = new TreeMap<>();
    for (Manifest m : BackupCatalog.of(FileSystemSink.of(sink)).list()) {
      t.put(m.id(), m.target("physical", "cluster").orElseThrow());
    }
    return t;
  }

  private static String oid() throws IOException {
    try (Stream<Path> links = Files.list(data.resolve("pg_tblspc"))) {
      return links.findFirst().orElseThrow().getFileName().toString();
    }
  }

  /** Every path under a directory (through tablespace links) with its content's SHA-256. */
  private static Map<String, String> tree(Path root) throws Exception {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      for (Path f : files.toList()) {
        String key = root.relativize(f).toString();
        tree.put(
            key,
            Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                ? HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)))
                : "");
      }
    }
    return tree;
  }

  private static Path copySink(Path from, String name) throws IOException {
    Path copy = dir.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path to = copy.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    return copy;
  }

  private static EmbeddedPostgres server(Path data, boolean fresh) throws IOException {
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(fresh)
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }
}
