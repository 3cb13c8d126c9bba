package com.avnology.backup.internal;

import com.avnology.backup.Manifest;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.RestoreContext;
import java.util.List;

/**
 * The published sets of the sink a backup or restore works on, read with its key: what an
 * incremental physical backup reads its parent from. Thread-safe.
 */
public interface OtherSets {
  /** No other set: a context made without a sink. */
  OtherSets NONE =
      new OtherSets() {
        @Override
        public List<Manifest> list() {
          return List.of();
        }

        @Override
        public RestoreContext open(
            String setId, String kind, String name, ProgressTracker progress) {
          throw new NotFoundException(
              "set "
                  + setId
                  + " cannot be read from here: this context reads"
                  + " its own set only");
        }
      };

  /** {@return manifests of the good published sets, newest first} */
  List<Manifest> list();

  /**
   * {@return a context reading that target's artifacts in that set}
   *
   * @param setId a published set
   * @param kind the target's kind
   * @param name the target's name
   * @param progress where bytes read are counted
   * @throws NotFoundException if the set or the target in it does not exist
   */
  RestoreContext open(String setId, String kind, String name, ProgressTracker progress);
}
