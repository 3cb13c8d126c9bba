package com.avnology.backup.postgres.seeding;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving each test method (or each test class) its own copy of a {@link
 * DatabaseSnapshot}, injected as a {@link SeededDatabase} or {@link DataSource} parameter of test,
 * {@code @BeforeEach} (and, per class, {@code @BeforeAll}) methods. Needs {@code
 * org.junit.jupiter:junit-jupiter-api} on the test classpath (an optional dependency of this
 * module).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SeedingExtension db = SeedingExtension.of(() -> DatabaseSnapshot
 *     .builder(postgres.getJdbcUrl()).user(postgres.getUsername()).password(postgres.getPassword())
 *     .seed(Seed.migrations("classpath:db/migration")).build());
 *
 * @Test
 * void signUp_newEmail_storesIdentity(DataSource ds) { ... }   // its own database
 * }</pre>
 *
 * <p>A snapshot from a supplier is built on first use by the class that registers the extension and
 * closed (its databases dropped) after that class; one given ready-made is never closed by the
 * extension. Copies are dropped after their method (or class). Safe under JUnit's parallel
 * execution: each method's copy is kept in that method's context. Use one seeding extension per
 * test class (two would both resolve the same parameter types). Immutable and thread-safe; {@link
 * Builder#perClass()} gives each class one copy instead.
 */
// JUnit's types in this API are its users' own: the module requires JUnit statically (optional),
// not transitively, so that no other user of the module needs JUnit to compile
@SuppressWarnings("exports")
public final class SeedingExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(SeedingExtension.class);

  private final Function<ExtensionContext, DatabaseSnapshot> snapshot;
  private final boolean owns;
  private final boolean perClass;

  SeedingExtension(
      Function<ExtensionContext, DatabaseSnapshot> snapshot, boolean owns, boolean perClass) {
    this.snapshot = snapshot;
    this.owns = owns;
    this.perClass = perClass;
  }

  /**
   * {@return an extension giving each test method a fresh copy; the snapshot is closed after the
   * class}
   *
   * @param snapshot builds the snapshot when the first test class needs it (after containers the
   *     class starts in its own {@code @BeforeAll} or through Testcontainers' extension)
   */
  public static SeedingExtension of(Supplier<DatabaseSnapshot> snapshot) {
    return builder(snapshot).build();
  }

  /**
   * {@return a builder of an extension giving each test method a fresh copy; the snapshot is closed
   * after the class}
   *
   * @param snapshot builds the snapshot when the first test class needs it (after containers the
   *     class starts in its own {@code @BeforeAll} or through Testcontainers' extension)
   */
  public static Builder builder(Supplier<DatabaseSnapshot> snapshot) {
    requireNonNull(snapshot, "null snapshot");
    return new Builder(c -> snapshot.get(), true);
  }

  /**
   * {@return an extension giving each test method a fresh copy of it}
   *
   * @param snapshot a snapshot the caller owns and closes
   */
  public static SeedingExtension of(DatabaseSnapshot snapshot) {
    return builder(snapshot).build();
  }

  /**
   * {@return a builder of an extension giving each test method a fresh copy of it}
   *
   * @param snapshot a snapshot the caller owns and closes
   */
  public static Builder builder(DatabaseSnapshot snapshot) {
    requireNonNull(snapshot, "null snapshot");
    return new Builder(c -> snapshot, false);
  }

  /** Collects an extension's settings. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final Function<ExtensionContext, DatabaseSnapshot> snapshot;
    private final boolean owns;
    private boolean perClass;

    private Builder(Function<ExtensionContext, DatabaseSnapshot> snapshot, boolean owns) {
      this.snapshot = snapshot;
      this.owns = owns;
    }

    /** {@return this builder, giving each test class one copy, shared by its methods} */
    public Builder perClass() {
      this.perClass = true;
      return this;
    }

    /** {@return the extension} */
    public SeedingExtension build() {
      return new SeedingExtension(snapshot, owns, perClass);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    DatabaseSnapshot s = snapshot.apply(context);
    context.getStore(NS).put(key("snapshot"), s);
    if (perClass) {
      context.getStore(NS).put(key("copy"), s.copy());
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      DatabaseSnapshot s = context.getStore(NS).get(key("snapshot"), DatabaseSnapshot.class);
      context.getStore(NS).put(key("method-copy"), s.copy());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      SeededDatabase copy = context.getStore(NS).remove(key("method-copy"), SeededDatabase.class);
      if (copy != null) {
        copy.close();
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    SeededDatabase copy = context.getStore(NS).remove(key("copy"), SeededDatabase.class);
    DatabaseSnapshot s = context.getStore(NS).remove(key("snapshot"), DatabaseSnapshot.class);
    try {
      if (copy != null) {
        copy.close();
      }
    } finally {
      if (owns && s != null) {
        s.close();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == SeededDatabase.class || type == DataSource.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SeededDatabase db =
        context.getStore(NS).get(key(perClass ? "copy" : "method-copy"), SeededDatabase.class);
    if (db == null) {
      throw new ParameterResolutionException(
          "no seeded database for "
              + parameter.getParameter()
              + ": per-method copies exist in test and @BeforeEach"
              + " methods only; use perClass() to inject into @BeforeAll");
    }
    return parameter.getParameter().getType() == DataSource.class ? db.dataSource() : db;
  }

  private String key(String what) {
    return what + "@" + System.identityHashCode(this);
  }
}
