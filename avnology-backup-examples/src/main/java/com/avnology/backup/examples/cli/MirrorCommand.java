package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupException;
import com.avnology.backup.s3.BucketMirror;
import com.avnology.backup.s3.MirrorAction;
import com.avnology.backup.s3.MirrorPlan;
import com.avnology.backup.s3.MirrorResult;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avnology-backup mirror}: {@code mc mirror --overwrite [--remove]} for S3 buckets. */
@Command(
    addMethodSubcommands = false,
    name = "mirror",
    mixinStandardHelpOptions = true,
    description =
        "Mirrors one bucket (or prefix) to another, across endpoints too. Objects are"
            + " compared by size and checksum; changed ones are overwritten.")
final class MirrorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "S3_URI",
      description = "Source: s3://bucket/prefix?endpoint=http://host:port")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "S3_URI",
      description = "Destination: s3://bucket/prefix?endpoint=http://host:port")
  String to;

  @Option(names = "--remove", description = "Remove destination objects the source lacks")
  boolean remove;

  @Option(
      names = "--force",
      description = "Allow --remove to delete more than half of the destination")
  boolean force;

  @Option(
      names = "--dry-run",
      description =
          "Print the planned actions, change nothing; fails"
              + " as the real run would if --remove would delete more than half without --force")
  boolean dryRun;

  @Option(names = "--json", description = "Print the result as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  /** {@return the prefix as the mirror uses it: empty, or ending in '/'} */
  private static String asPrefix(String prefix) {
    return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /**
   * Whether two endpoints name one server: scheme, host (any case) and port (default filled in).
   */
  static boolean sameServer(java.net.URI a, java.net.URI b) {
    if (a.getScheme() == null
        || b.getScheme() == null
        || a.getHost() == null
        || b.getHost() == null) {
      return a.equals(b);
    }
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(java.net.URI uri) {
    return uri.getPort() >= 0
        ? uri.getPort()
        : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  @Override
  public Integer call() {
    S3Uri source = S3Uri.parse(from);
    S3Uri target = S3Uri.parse(to);
    String sourcePrefix = asPrefix(source.prefix());
    String targetPrefix = asPrefix(target.prefix());
    if (sameServer(source.endpoint(), target.endpoint())
        && source.bucket().equals(target.bucket())
        && (sourcePrefix.startsWith(targetPrefix) || targetPrefix.startsWith(sourcePrefix))) {
      // s3://b/data/ to s3://b/: the destination holds the source, and --remove would empty it
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--from "
              + from
              + " and --to "
              + to
              + " overlap: one holds the other in the same bucket, so the mirror would copy into"
              + " what it reads (and --remove would delete the source's own objects); name a"
              + " destination outside the source");
    }
    BucketMirror.Builder builder =
        BucketMirror.builder(source.async(), source.bucket(), target.async(), target.bucket())
            .sourcePrefix(source.prefix())
            .targetPrefix(target.prefix())
            .overwrite(true)
            .remove(remove);
    builder.force(force);
    BucketMirror mirror = builder.build();
    if (dryRun) {
      MirrorPlan plan = mirror.plan();
      List<MirrorAction> actions = plan.actions();
      if (json) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        actions.forEach(
            a ->
                array
                    .addObject()
                    .put("action", a.type().name())
                    .put("key", a.key())
                    .put("size", a.size())
                    .put("reason", a.reason()));
        spec.commandLine().getOut().println(Json.write(array));
      } else {
        actions.forEach(
            a ->
                spec.commandLine()
                    .getOut()
                    .printf("%-6s %s (%d bytes) %s%n", a.type(), a.key(), a.size(), a.reason()));
      }
      if (plan.refused()) {
        // the same exception type as the real run's refusal, so the same exit code
        throw new BackupException(
            String.format(
                java.util.Locale.ROOT,
                "dry run: mirror %s to %s"
                    + " would refuse: it would remove %d of the %d objects in the destination (%.0f%%),"
                    + " more than half; nothing would be done. Check --from, or add --force to remove"
                    + " them",
                "s3://" + source.bucket() + "/" + source.prefix(),
                "s3://" + target.bucket() + "/" + target.prefix(),
                plan.removals(),
                plan.destinationCount(),
                100.0 * plan.removals() / plan.destinationCount()));
      }
      return 0;
    }
    MirrorResult r = mirror.run();
    if (json) {
      ObjectNode node =
          Json.object()
              .put("copied", r.copied())
              .put("removed", r.removed())
              .put("skipped", r.skipped())
              .put("bytes", r.bytes());
      spec.commandLine().getOut().println(Json.write(node));
    } else {
      spec.commandLine()
          .getOut()
          .printf(
              "mirrored %s to %s: %d copied (%d bytes), %d removed," + " %d unchanged%n",
              source, target, r.copied(), r.bytes(), r.removed(), r.skipped());
    }
    return 0;
  }
}
