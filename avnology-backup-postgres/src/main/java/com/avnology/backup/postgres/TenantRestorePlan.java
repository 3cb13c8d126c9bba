package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupSink;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Encryption;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.RestoreDescription;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.SetRestorePlan;
import com.avnology.backup.TargetResult;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import com.avnology.backup.postgres.internal.engine.ContextArchiveSource;
import com.avnology.backup.postgres.internal.tenant.TenantRestore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Brings one tenant back: the rows of a root table's row (an organization, Ory's network) and of
 * everything that belongs to it, copied from a backup set or any pg_dump archive into the live
 * database, leaving every other row as it is.
 *
 * <pre>{@code
 * TenantRestorePlan plan = TenantRestorePlan.builder(sink, PostgresTarget.builder(live).build())
 *     .root("organizations", "id", "42")
 *     .filter("audit_log", "org_slug", "acme")   // a table with no foreign key to follow
 *     .onConflict(ConflictPolicy.SKIP)
 *     .build();
 * System.out.println(plan.preview());                // rows to insert / update / skip per table
 * TenantRestoreReport done = plan.restore();         // the same counts, done
 * }</pre>
 *
 * <p>Which rows: the root row; every row that references a chosen row through a foreign key, in any
 * table, transitively (self-references and cycles included); the rows of {@link Builder#filter
 * filtered} tables and their children; then every row a chosen row references that the live
 * database lacks, transitively (those pull in no children). A row whose foreign key names another
 * row of the root table is never chosen: another tenant's rows are not touched, even when they
 * changed after the backup. The live database's schema decides the foreign-key graph.
 *
 * <p>How: in one transaction on one connection, the backup's rows of only the tables on that graph
 * are streamed with {@code COPY} into temporary tables of the session (same column types as the
 * live tables; disk-backed past {@code temp_buffers}, so memory stays bounded whatever the size),
 * the tenant's rows are marked there with set-based statements, counted against the live tables by
 * primary key (else the first unique constraint, else the whole row), and written with {@code
 * INSERT … SELECT} parents first, then {@code UPDATE} for {@link ConflictPolicy#OVERWRITE}.
 * Deferrable foreign keys are deferred; a self-reference is satisfied within its table's one
 * statement; a cycle of non-deferrable foreign keys between tables is refused before anything is
 * written. Identity columns are inserted with {@code OVERRIDING SYSTEM VALUE}, generated columns
 * are computed by the database, and serial and identity sequences move forward past the restored
 * values, never backwards. The dry run does all of this but the writes and rolls back; each write's
 * row count is checked against it. Any failure rolls back: the live database is unchanged and no
 * temporary table outlives the transaction.
 *
 * <p>Immutable and thread-safe.
 */
public final class TenantRestorePlan implements RestorePlan {
  private final BackupSink sink;
  private final String setId;
  private final Encryption encryption;
  private final PgDumpArchive archive;
  private final PostgresTarget live;
  private final TenantRestore.Spec spec;

  private TenantRestorePlan(Builder b) {
    this.sink = b.sink;
    this.setId = b.setId;
    this.encryption = b.encryption;
    this.archive = b.archive;
    this.live = b.live;
    this.spec =
        new TenantRestore.Spec(
            b.rootTable, b.keyColumn, b.keyValue, List.copyOf(b.filters), b.policy);
  }

  /**
   * {@return a builder}
   *
   * @param sink where the set lives; the latest set unless {@link Builder#set(String)} says
   * @param live the live database; its {@linkplain PostgresTarget#name() name} picks the database
   *     in the set
   */
  public static Builder builder(BackupSink sink, PostgresTarget live) {
    return new Builder(requireNonNull(sink, "null sink"), null, requireNonNull(live, "null live"));
  }

  /**
   * {@return a builder}
   *
   * @param archive a pg_dump archive (custom, directory or tar)
   * @param live the live database
   */
  public static Builder builder(PgDumpArchive archive, PostgresTarget live) {
    return new Builder(
        null, requireNonNull(archive, "null archive"), requireNonNull(live, "null live"));
  }

  /**
   * The dry run: stages and counts in a transaction that is rolled back.
   *
   * @return per table, rows to insert, update and skip, and rows present in both
   * @throws BackupException if the restore could not run (the message says why); nothing is written
   *     either way
   */
  public TenantRestoreReport preview() {
    return run(false);
  }

  /**
   * Restores the tenant in one transaction.
   *
   * @return per table, rows inserted, updated and skipped: the counts {@link #preview()} gives for
   *     an unchanged database
   * @throws BackupException if it fails, naming why (rows present under {@link
   *     ConflictPolicy#FAIL}, a key that collides, a damaged set…); the live database is then
   *     unchanged
   */
  public TenantRestoreReport restore() {
    return run(true);
  }

  /**
   * @return the dry run as one step whose destination lists the counts per table
   */
  @Override
  public RestoreDescription describe() {
    TenantRestoreReport report = preview();
    return new RestoreDescription(
        sourceId(report),
        List.of(
            new RestoreDescription.Step(
                PostgresTarget.KIND + "/" + live.name(),
                report.source(),
                0,
                0,
                "the live database " + live.name() + ", tenant " + tenant() + ": " + report)));
  }

  /**
   * @return one target result: the rows inserted and updated as its entries
   */
  @Override
  public RestoreResult execute() {
    TenantRestoreReport report = restore();
    return new RestoreResult(
        sourceId(report),
        Duration.ZERO,
        report.duration(),
        List.of(
            new TargetResult(
                PostgresTarget.KIND,
                live.name(),
                report.duration(),
                report.inserted() + report.updated(),
                List.of())));
  }

  private String sourceId(TenantRestoreReport report) {
    return archive != null
        ? archive.toString()
        : report.source().replaceFirst("^set (\\S+).*", "$1");
  }

  private String tenant() {
    return spec.rootTable() + "." + spec.keyColumn() + " = " + spec.keyValue();
  }

  private TenantRestoreReport run(boolean write) {
    if (archive != null) {
      ArchiveSource source = archive.source();
      return TenantRestore.run(live.dataSource(), source, archive.toString(), spec, write);
    }
    AtomicReference<TenantRestoreReport> report = new AtomicReference<>();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    SetRestorePlan.Builder b =
        SetRestorePlan.builder(sink)
            .encryption(encryption)
            .target(new SetTenant(write, report, failure));
    if (setId != null) {
      b.set(setId);
    }
    SetRestorePlan plan = b.build();
    String unread = null;
    if (write) {
      plan.execute();
    } else {
      unread = plan.describe().steps().get(0).destination();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    if (report.get() == null) {
      // the set plan did not get as far as reading the database (an encrypted set without its
      // key): its description says why
      throw new BackupException("cannot read the tenant's rows: " + unread);
    }
    return report.get();
  }

  /** The tenant restore as a target of a set, so the set's reading and checks are the usual. */
  private final class SetTenant implements BackupTarget {
    private final boolean write;
    private final AtomicReference<TenantRestoreReport> report;
    private final AtomicReference<RuntimeException> failure;

    SetTenant(
        boolean write,
        AtomicReference<TenantRestoreReport> report,
        AtomicReference<RuntimeException> failure) {
      this.write = write;
      this.report = report;
      this.failure = failure;
    }

    @Override
    public String kind() {
      return PostgresTarget.KIND;
    }

    @Override
    public String name() {
      return live.name();
    }

    @Override
    public void backup(BackupContext context) {
      throw new UnsupportedOperationException("a tenant restore backs nothing up");
    }

    @Override
    public void restore(RestoreContext context) {
      TenantRestoreReport r = runIn(context);
      context.entriesDone(r.inserted() + r.updated());
    }

    @Override
    public String describeRestore(RestoreContext context) {
      try {
        return runIn(context).toString();
      } catch (RuntimeException e) {
        failure.set(e);
        throw e;
      }
    }

    private TenantRestoreReport runIn(RestoreContext context) {
      TenantRestoreReport r =
          TenantRestore.run(
              live.dataSource(),
              new ContextArchiveSource(context, live.name() + "/"),
              "set " + context.setId(),
              spec,
              write);
      report.set(r);
      return r;
    }

    /** Damage met while reading rolls the one transaction back like any other failure. */
    @Override
    public boolean verifiesWhileRestoring() {
      return true;
    }
  }

  @Override
  public String toString() {
    return "TenantRestorePlan["
        + tenant()
        + ", on conflict "
        + spec.policy()
        + ", from "
        + (archive != null ? archive : "set " + (setId == null ? "latest" : setId) + " of " + sink)
        + ", into "
        + live.name()
        + "]";
  }

  /**
   * Collects a tenant restore's settings. {@link #build()} leaves it unchanged. Not thread-safe.
   */
  public static final class Builder {
    private final BackupSink sink;
    private final PgDumpArchive archive;
    private final PostgresTarget live;
    private String setId;
    private Encryption encryption;
    private String rootTable;
    private String keyColumn;
    private String keyValue;
    private final List<TenantRestore.Filter> filters = new ArrayList<>();
    private ConflictPolicy policy = ConflictPolicy.SKIP;

    private Builder(BackupSink sink, PgDumpArchive archive, PostgresTarget live) {
      this.sink = sink;
      this.archive = archive;
      this.live = live;
    }

    /**
     * {@return this builder}
     *
     * @param setId the set to read; the latest by default
     * @throws IllegalArgumentException if it is not a set id
     */
    public Builder set(String setId) {
      this.setId = com.avnology.backup.BackupNames.checkSetId(requireNonNull(setId, "null setId"));
      return this;
    }

    /** {@return this builder, reading the newest set when the plan runs} */
    public Builder latest() {
      this.setId = null;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param encryption the key of an encrypted set
     */
    public Builder encryption(Encryption encryption) {
      this.encryption = requireNonNull(encryption, "null encryption");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param table the root table, {@code table} or {@code schema.table}, such as {@code
     *     organizations} or Ory's {@code networks}
     * @param column the key column, such as {@code id}
     * @param value the tenant's key, compared as text ({@code column::text = value})
     * @throws IllegalArgumentException if a name or the value is blank
     */
    public Builder root(String table, String column, String value) {
      this.rootTable = nonBlank(table, "table");
      this.keyColumn = nonBlank(column, "column");
      this.keyValue = nonBlank(value, "value");
      return this;
    }

    /**
     * Adds the rows of a table that has no foreign-key path to the root (an audit log keyed by a
     * slug, say), and the rows that reference them.
     *
     * @param table {@code table} or {@code schema.table}
     * @param column its column naming the tenant
     * @param value the tenant's value there, compared as text
     * @return this builder
     * @throws IllegalArgumentException if a name or the value is blank
     */
    public Builder filter(String table, String column, String value) {
      filters.add(
          new TenantRestore.Filter(
              nonBlank(table, "filter table"),
              nonBlank(column, "filter column"),
              nonBlank(value, "filter value")));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param policy what to do with rows in both the backup and the live database; {@link
     *     ConflictPolicy#SKIP} by default
     */
    public Builder onConflict(ConflictPolicy policy) {
      this.policy = requireNonNull(policy, "null policy");
      return this;
    }

    /**
     * {@return the plan}
     *
     * @throws IllegalStateException if {@link #root} was not called, or {@link #set} or {@link
     *     #encryption} was given for an archive
     */
    public TenantRestorePlan build() {
      if (rootTable == null) {
        throw new IllegalStateException(
            "no tenant: call root(table, column, value) before" + " build()");
      }
      if (archive != null && (setId != null || encryption != null)) {
        throw new IllegalStateException(
            "set(...) and encryption(...) choose a backup set, but"
                + " the plan reads the archive "
                + archive
                + ": leave them out");
      }
      return new TenantRestorePlan(this);
    }

    private static String nonBlank(String s, String what) {
      requireNonNull(s, "null " + what);
      if (s.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank: '" + s + "'");
      }
      return s;
    }
  }
}
