package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What of a database is backed up or restored, and how: {@link PostgresTarget.Builder} makes them;
 * {@link #builder()} and {@link #defaults()} for the library's own engine and tests. A class with a
 * builder, not a record, so that options can be added without breaking callers.
 *
 * <p>Immutable and thread-safe.
 */
public final class PostgresOptions {
  private static final PostgresOptions DEFAULTS = builder().build();

  private final List<String> schemas;
  private final List<String> excludeSchemas;
  private final List<String> tables;
  private final List<String> excludeTables;
  private final boolean noOwner;
  private final boolean noPrivileges;
  private final boolean clean;
  private final boolean noLargeObjects;
  private final List<String> excludeTableData;
  private final boolean noUnloggedTableData;
  private final RestoreMode restoreMode;

  private PostgresOptions(Builder b, RestoreMode restoreMode) {
    this.schemas = List.copyOf(b.schemas);
    this.excludeSchemas = List.copyOf(b.excludeSchemas);
    this.tables = List.copyOf(b.tables);
    this.excludeTables = List.copyOf(b.excludeTables);
    this.noOwner = b.noOwner;
    this.noPrivileges = b.noPrivileges;
    this.clean = b.clean;
    this.noLargeObjects = b.noLargeObjects;
    this.excludeTableData = List.copyOf(b.excludeTableData);
    this.noUnloggedTableData = b.noUnloggedTableData;
    this.restoreMode = restoreMode;
  }

  /** {@return the defaults: everything, owners and grants kept, no clean, restored in place} */
  public static PostgresOptions defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the {@link #defaults()}} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return schemas to include; empty means every non-system schema} */
  public List<String> schemas() {
    return schemas;
  }

  /** {@return schemas to leave out} */
  public List<String> excludeSchemas() {
    return excludeSchemas;
  }

  /** {@return tables to include as {@code schema.table}; empty means all} */
  public List<String> tables() {
    return tables;
  }

  /** {@return tables to leave out} */
  public List<String> excludeTables() {
    return excludeTables;
  }

  /** {@return whether owners are neither recorded nor restored} */
  public boolean noOwner() {
    return noOwner;
  }

  /** {@return whether grants are neither recorded nor restored} */
  public boolean noPrivileges() {
    return noPrivileges;
  }

  /**
   * {@return whether a restore drops the archive's objects first and accepts a non-empty database}
   */
  public boolean clean() {
    return clean;
  }

  /** {@return whether a backup leaves the database's large objects out} */
  public boolean noLargeObjects() {
    return noLargeObjects;
  }

  /**
   * {@return tables, as {@code schema.table}, whose definitions a backup keeps and whose rows it
   * leaves out}
   */
  public List<String> excludeTableData() {
    return excludeTableData;
  }

  /** {@return whether a backup leaves the rows of unlogged tables out} */
  public boolean noUnloggedTableData() {
    return noUnloggedTableData;
  }

  /** {@return how a restore protects what was in the database before it} */
  public RestoreMode restoreMode() {
    return restoreMode;
  }

  /**
   * {@return a builder holding these options, to build a changed copy from}
   *
   * <pre>{@code
   * PostgresOptions swap = options.toBuilder().restoreMode(RestoreMode.SWAP).build();
   * }</pre>
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.schemas.addAll(schemas);
    b.excludeSchemas.addAll(excludeSchemas);
    b.tables.addAll(tables);
    b.excludeTables.addAll(excludeTables);
    b.noOwner = noOwner;
    b.noPrivileges = noPrivileges;
    b.clean = clean;
    b.noLargeObjects = noLargeObjects;
    b.excludeTableData.addAll(excludeTableData);
    b.noUnloggedTableData = noUnloggedTableData;
    b.restoreMode = restoreMode;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PostgresOptions p
        && schemas.equals(p.schemas)
        && excludeSchemas.equals(p.excludeSchemas)
        && tables.equals(p.tables)
        && excludeTables.equals(p.excludeTables)
        && noOwner == p.noOwner
        && noPrivileges == p.noPrivileges
        && clean == p.clean
        && noLargeObjects == p.noLargeObjects
        && excludeTableData.equals(p.excludeTableData)
        && noUnloggedTableData == p.noUnloggedTableData
        && restoreMode == p.restoreMode;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        schemas,
        excludeSchemas,
        tables,
        excludeTables,
        noOwner,
        noPrivileges,
        clean,
        noLargeObjects,
        excludeTableData,
        noUnloggedTableData,
        restoreMode);
  }

  @Override
  public String toString() {
    return "PostgresOptions[schemas="
        + schemas
        + ", excludeSchemas="
        + excludeSchemas
        + ", tables="
        + tables
        + ", excludeTables="
        + excludeTables
        + ", noOwner="
        + noOwner
        + ", noPrivileges="
        + noPrivileges
        + ", clean="
        + clean
        + ", noLargeObjects="
        + noLargeObjects
        + ", excludeTableData="
        + excludeTableData
        + ", noUnloggedTableData="
        + noUnloggedTableData
        + ", restoreMode="
        + restoreMode
        + "]";
  }

  /** Builds {@link PostgresOptions}. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final List<String> schemas = new ArrayList<>();
    private final List<String> excludeSchemas = new ArrayList<>();
    private final List<String> tables = new ArrayList<>();
    private final List<String> excludeTables = new ArrayList<>();
    private boolean noOwner;
    private boolean noPrivileges;
    private boolean clean;
    private boolean noLargeObjects;
    private final List<String> excludeTableData = new ArrayList<>();
    private boolean noUnloggedTableData;
    private RestoreMode restoreMode;

    private Builder() {}

    /**
     * {@return this builder}
     *
     * @param schemas schemas to include; none means every non-system schema
     */
    public Builder schemas(List<String> schemas) {
      this.schemas.addAll(List.copyOf(schemas));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param schemas schemas to leave out
     */
    public Builder excludeSchemas(List<String> schemas) {
      this.excludeSchemas.addAll(List.copyOf(schemas));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param tables tables to include as {@code schema.table}; none means all
     */
    public Builder tables(List<String> tables) {
      this.tables.addAll(List.copyOf(tables));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param tables tables to leave out
     */
    public Builder excludeTables(List<String> tables) {
      this.excludeTables.addAll(List.copyOf(tables));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param noOwner neither record nor restore owners
     */
    public Builder noOwner(boolean noOwner) {
      this.noOwner = noOwner;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param noPrivileges neither record nor restore grants
     */
    public Builder noPrivileges(boolean noPrivileges) {
      this.noPrivileges = noPrivileges;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param clean on restore, drop the archive's objects first and accept a non-empty database
     */
    public Builder clean(boolean clean) {
      this.clean = clean;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param noLargeObjects back up without the database's large objects
     */
    public Builder noLargeObjects(boolean noLargeObjects) {
      this.noLargeObjects = noLargeObjects;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param tables tables, as {@code schema.table}, whose definitions a backup keeps and whose
     *     rows it leaves out
     */
    public Builder excludeTableData(List<String> tables) {
      this.excludeTableData.addAll(List.copyOf(tables));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param noUnloggedTableData back up unlogged tables without their rows
     */
    public Builder noUnloggedTableData(boolean noUnloggedTableData) {
      this.noUnloggedTableData = noUnloggedTableData;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param mode how a restore protects what was in the database before it; by default {@link
     *     RestoreMode#SINGLE_TRANSACTION} with {@link #clean(boolean)}, else {@link
     *     RestoreMode#IN_PLACE}
     */
    public Builder restoreMode(RestoreMode mode) {
      this.restoreMode = requireNonNull(mode, "null mode");
      return this;
    }

    /**
     * {@return the options}
     *
     * @throws IllegalStateException if {@code clean} is asked with {@link RestoreMode#IN_PLACE}
     */
    public PostgresOptions build() {
      if (clean && restoreMode == RestoreMode.IN_PLACE) {
        throw new IllegalStateException(
            "clean with RestoreMode.IN_PLACE would drop the old"
                + " objects before the new ones are loaded, in transactions of their own: use"
                + " SINGLE_TRANSACTION (the default with clean) or SWAP");
      }
      RestoreMode mode =
          restoreMode != null
              ? restoreMode
              : clean ? RestoreMode.SINGLE_TRANSACTION : RestoreMode.IN_PLACE;
      return new PostgresOptions(this, mode);
    }
  }
}
