package com.avnology.backup.s3.internal;

import com.avnology.backup.StorageException;
import com.avnology.backup.s3.MirrorAction;
import io.minio.GetObjectResponse;
import io.minio.messages.Item;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides what a mirror does: compares the two listings by size, then by checksum: the ETags when
 * both are plain MD5s, an MD5 of the other object when one is, and SHA-256 of both objects when
 * both ETags are multipart-style. So a change that keeps the size is still copied.
 */
public final class MirrorPlanner {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(MirrorPlanner.class);

  private final S3Ops source;
  private final String sourcePrefix;
  private final S3Ops target;
  private final String targetPrefix;

  /**
   * @param source the source bucket
   * @param sourcePrefix its prefix
   * @param target the destination bucket
   * @param targetPrefix its prefix
   */
  public MirrorPlanner(S3Ops source, String sourcePrefix, S3Ops target, String targetPrefix) {
    this.source = source;
    this.sourcePrefix = sourcePrefix;
    this.target = target;
    this.targetPrefix = targetPrefix;
  }

  /**
   * What a mirror run would do.
   *
   * @param planned the actions
   * @param destinationCount how many objects the destination held
   * @param identical how many objects were already identical
   */
  public record Plan(List<MirrorAction> planned, long destinationCount, long identical) {}

  /**
   * {@return the plan}
   *
   * @param overwrite whether differing objects are copied (else kept)
   * @param remove whether objects missing from the source are deleted
   */
  public Plan plan(boolean overwrite, boolean remove) {
    Map<String, Item> src = byKey(source.list(sourcePrefix), sourcePrefix);
    if (targetPrefix.isEmpty() && src.remove("") != null) {
      // the source prefix's own marker object ("p/"): a bucket's root has no key to give it
      log.warn("{} is not copied: its key would be empty at the destination", sourcePrefix);
    }
    Map<String, Item> dst = byKey(target.list(targetPrefix), targetPrefix);
    List<MirrorAction> actions = new ArrayList<>();
    long identical = 0;
    for (Map.Entry<String, Item> e : src.entrySet()) {
      Item s = e.getValue();
      Item d = dst.get(e.getKey());
      String reason = d == null ? "missing" : difference(e.getKey(), s, d);
      if (reason == null) {
        identical++;
      } else {
        MirrorAction.Type type =
            d == null || overwrite ? MirrorAction.Type.COPY : MirrorAction.Type.KEEP;
        actions.add(new MirrorAction(type, e.getKey(), s.size(), reason));
      }
    }
    if (remove) {
      dst.forEach(
          (key, d) -> {
            if (!src.containsKey(key)) {
              actions.add(
                  new MirrorAction(MirrorAction.Type.REMOVE, key, d.size(), "not in source"));
            }
          });
    }
    return new Plan(actions, dst.size(), identical);
  }

  private static Map<String, Item> byKey(List<Item> items, String prefix) {
    Map<String, Item> map = new TreeMap<>();
    for (Item i : items) {
      map.put(i.objectName().substring(prefix.length()), i);
    }
    return map;
  }

  /**
   * @return why the two differ, or null if they are the same
   */
  private String difference(String key, Item s, Item d) {
    if (s.size() != d.size()) {
      return "size differs";
    }
    boolean plainS = Digests.isPlainMd5(s.etag());
    boolean plainD = Digests.isPlainMd5(d.etag());
    boolean same;
    if (plainS && plainD) {
      same = Digests.etag(s.etag()).equals(Digests.etag(d.etag()));
    } else if (plainS) {
      same = Digests.etag(s.etag()).equals(hash("MD5", target, targetPrefix + key));
    } else if (plainD) {
      same = Digests.etag(d.etag()).equals(hash("MD5", source, sourcePrefix + key));
    } else {
      same =
          hash("SHA-256", source, sourcePrefix + key)
              .equals(hash("SHA-256", target, targetPrefix + key));
    }
    return same ? null : "checksum differs";
  }

  private static String hash(String algorithm, S3Ops ops, String key) {
    try (GetObjectResponse in = ops.get(key)) {
      return Digests.hex(algorithm, in);
    } catch (IOException e) {
      throw new StorageException("cannot read " + key + " from " + ops.where() + ": " + e, e);
    }
  }
}
