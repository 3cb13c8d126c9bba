package com.avnology.backup.examples.cli;

import com.avnology.backup.Compression;
import com.avnology.backup.postgres.PgDumpArchive;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code backup --format custom --to s3://bucket/key.dump}: one database as one pg_dump
 * custom-format object, with one presigned URL to hand over (a managed → self-hosted export).
 */
final class DumpExport {
  private final CommandSpec spec;
  private final com.avnology.backup.postgres.PostgresTarget postgres;
  private final boolean json;
  private final boolean force;

  DumpExport(
      CommandSpec spec,
      com.avnology.backup.postgres.PostgresTarget postgres,
      boolean json,
      boolean force) {
    this.spec = spec;
    this.postgres = postgres;
    this.json = json;
    this.force = force;
  }

  int toS3(String to, Compression compression, String presign) {
    Duration validity = presign == null ? null : Durations.parse(presign);
    S3Uri uri = S3Uri.parse(to);
    DumpUpload upload = new DumpUpload(uri);
    if (upload.exists() && !force) {
      throw new com.avnology.backup.BackupException(
          uri
              + " exists already; choose another"
              + " key or delete the object, or give --force to replace it");
    }
    long start = System.nanoTime();
    long size = upload.upload(out -> PgDumpArchive.export(postgres, out, compression));
    long ms = (System.nanoTime() - start) / 1_000_000;
    String url = validity == null ? null : upload.presign(validity);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      var node =
          Json.object().put("object", uri.toString()).put("size", size).put("durationMillis", ms);
      if (url != null) {
        node.put("presigned", url).put("presignedFor", validity.toString());
      }
      out.println(Json.write(node));
    } else {
      out.printf("uploaded %s (%d bytes, pg_dump custom format) in %d ms%n", uri, size, ms);
      if (url != null) {
        out.printf("  presigned GET URL, valid for %s: %s%n", presign, url);
      }
    }
    return ExitCodes.OK;
  }
}
