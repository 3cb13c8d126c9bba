package com.avnology.backup;

/**
 * A way of bringing data back: {@link #describe()} says exactly what it would do (a dry run that
 * writes nothing), {@link #execute()} does it and reports each step. The plan that restores a
 * backup set's targets is {@link SetRestorePlan}, built with {@link #builder(BackupSink)}.
 *
 * <pre>{@code
 * RestorePlan plan = RestorePlan.builder(sink).latest()
 *     .volume("certs", Path.of("/letsencrypt"))
 *     .build();
 * System.out.println(plan.describe());   // what will be restored where, what it replaces
 * RestoreResult r = plan.execute();
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface RestorePlan {
  /**
   * {@return a builder of a plan restoring the latest set there, unless told otherwise}
   *
   * @param sink where the set lives
   */
  static SetRestorePlan.Builder builder(BackupSink sink) {
    return SetRestorePlan.builder(sink);
  }

  /**
   * The dry run: reads what it needs to say what would happen (the manifest, the destinations'
   * current state) and writes nothing.
   *
   * @return the steps, in order, with their sources, destinations, sizes and what each would drop
   *     or overwrite
   * @throws NotFoundException if the set, or a target in it, does not exist
   */
  RestoreDescription describe();

  /**
   * {@return a report per step}
   *
   * @throws BackupException if a step fails; the message says what state it left
   */
  RestoreResult execute();
}
