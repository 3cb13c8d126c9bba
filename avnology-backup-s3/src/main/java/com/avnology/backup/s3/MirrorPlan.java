package com.avnology.backup.s3;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What a {@link BucketMirror} run would do, and whether its mass-delete guard would refuse it: the
 * result of {@link BucketMirror#plan()}, which changes nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class MirrorPlan {
  private final List<MirrorAction> actions;
  private final long destinationCount;
  private final String refusal;

  MirrorPlan(List<MirrorAction> actions, long destinationCount, String refusal) {
    this.actions = List.copyOf(requireNonNull(actions, "null actions"));
    this.destinationCount = destinationCount;
    this.refusal = refusal;
  }

  /** {@return the copies, removals and kept differing objects, in key order} */
  public List<MirrorAction> actions() {
    return actions;
  }

  /** {@return how many objects the run would remove from the destination} */
  public long removals() {
    return actions.stream().filter(a -> a.type() == MirrorAction.Type.REMOVE).count();
  }

  /** {@return how many objects the destination holds now} */
  public long destinationCount() {
    return destinationCount;
  }

  /**
   * {@return whether {@link BucketMirror#run()} would refuse this plan (it would remove more than
   * the allowed share of the destination, without force), doing nothing}
   */
  public boolean refused() {
    return refusal != null;
  }

  /** {@return the message {@link BucketMirror#run()} would fail with, if it would refuse} */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  @Override
  public String toString() {
    return "MirrorPlan["
        + actions.size()
        + " actions, "
        + removals()
        + " of "
        + destinationCount
        + " destination objects removed"
        + (refused() ? ", refused" : "")
        + "]";
  }
}
