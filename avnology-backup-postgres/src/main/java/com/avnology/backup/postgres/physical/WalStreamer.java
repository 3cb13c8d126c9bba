package com.avnology.backup.postgres.physical;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupException;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.postgres.internal.physical.SegmentSpool;
import com.avnology.backup.postgres.internal.physical.WalNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous WAL archiving over the replication protocol, as {@code pg_receivewal} does: WAL is
 * streamed through a physical replication slot into a {@link WalArchive}, complete segments under
 * the same keys {@code wal-push} uses, the current segment as a partial version when the streamer
 * stops (and, with {@link Builder#synchronous(boolean)}, after every batch received).
 *
 * <p>The position reported to the server as flushed is only what the sink holds: the end of the
 * last complete segment stored (or of the partial version, when synchronous). The slot keeps every
 * segment the archive lacks while the streamer is down; on start the streamer resumes after the
 * archive's newest complete segment of the server's timeline, or else at the slot's {@code
 * restart_lsn} (segment-aligned). A timeline's history file is stored when streaming starts on it.
 *
 * <pre>{@code
 * WalStreamer streamer = WalStreamer.builder("jdbc:postgresql://db/postgres?user=replicator",
 *     WalArchive.of(sink)).slot("backup").createSlot(true).build();
 * streamer.run(stopRequested::get);   // returns once stopRequested is set, partial stored
 * }</pre>
 *
 * <p>Immutable and thread-safe; one {@link #run} per slot at a time (the server refuses a second).
 */
public final class WalStreamer {
  private static final Logger log = LoggerFactory.getLogger(WalStreamer.class);
  private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");
  private static final int BATCH_BYTES = 4 << 20;

  private final String url;
  private final Properties properties;
  private final WalArchive archive;
  private final String slot;
  private final boolean createSlot;
  private final boolean synchronous;
  private final String applicationName;
  private final Duration statusInterval;

  private WalStreamer(Builder b) {
    this.url = b.url;
    this.properties = (Properties) b.properties.clone();
    this.archive = b.archive;
    this.slot = b.slot;
    this.createSlot = b.createSlot;
    this.synchronous = b.synchronous;
    this.applicationName = b.applicationName;
    this.statusInterval = b.statusInterval;
  }

  /**
   * {@return a builder}
   *
   * @param jdbcUrl the server's JDBC URL (any database; the role needs the REPLICATION attribute,
   *     and {@code pg_hba.conf} must allow it a replication connection)
   * @param archive where the WAL goes
   */
  public static Builder builder(String jdbcUrl, WalArchive archive) {
    requireNonNull(jdbcUrl, "null jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL: "
              + jdbcUrl.replaceAll("password=[^&]*", "password=****")
              + "; expected jdbc:postgresql://host:port/db");
    }
    return new Builder(jdbcUrl, requireNonNull(archive, "null archive"));
  }

  /**
   * What one {@link #run} did.
   *
   * @param timeline the timeline streamed
   * @param startLsn where streaming started
   * @param flushedLsn the last position reported to the server as flushed (what the sink holds)
   * @param segments complete segments stored
   * @param partial the partial segment stored on stop, if any
   */
  public record Result(
      int timeline, String startLsn, String flushedLsn, long segments, Optional<String> partial) {}

  /**
   * Streams until {@code stop} returns true (asked at least every 50 ms), then stores the partial
   * segment, reports it flushed and returns.
   *
   * @param stop says when to stop
   * @return what was streamed
   * @throws NotFoundException if the slot does not exist and {@link Builder#createSlot} was not
   *     asked for
   * @throws BackupException if the server cannot be reached or ends the stream (a timeline switch
   *     on a standby, a restart): run again, the slot holds the WAL
   * @throws com.avnology.backup.StorageException if the sink cannot be written
   */
  public Result run(BooleanSupplier stop) {
    requireNonNull(stop, "null stop");
    try (Connection sql = DriverManager.getConnection(url, normalProperties())) {
      long segmentSize = segmentSize(sql);
      Optional<Long> restart = slotRestart(sql);
      try (Connection repl = DriverManager.getConnection(url, replicationProperties())) {
        Identity id = identify(repl);
        storeHistory(repl, id.timeline());
        long start = startPosition(id, restart, segmentSize);
        log.info(
            "streaming WAL of timeline {} from {} through slot {} into {}{}",
            id.timeline(),
            WalNames.formatLsn(start),
            slot,
            archive,
            synchronous ? " (synchronous)" : "");
        return stream(repl, id.timeline(), start, segmentSize, stop);
      }
    } catch (SQLException e) {
      throw new BackupException(
          "WAL streaming from "
              + redacted()
              + " failed: "
              + e.getMessage()
              + "; the slot "
              + slot
              + " keeps the WAL not yet archived: start the streamer again",
          e);
    } catch (IOException e) {
      throw new com.avnology.backup.StorageException(
          "WAL streaming cannot spool to a temporary" + " file: " + e, e);
    }
  }

  private Result stream(
      Connection repl, int timeline, long start, long segmentSize, BooleanSupplier stop)
      throws SQLException, IOException {
    PGReplicationStream stream =
        repl.unwrap(PGConnection.class)
            .getReplicationAPI()
            .replicationStream()
            .physical()
            .withSlotName(slot)
            .withStartPosition(LogSequenceNumber.valueOf(start))
            .withStatusInterval((int) statusInterval.toMillis(), TimeUnit.MILLISECONDS)
            .withAutomaticFlush(false)
            .start();
    long segments;
    try (SegmentSpool spool = new SegmentSpool(timeline, start, segmentSize)) {
      try {
        segments = receive(stream, spool, stop);
      } catch (SQLException | RuntimeException e) {
        keepPartial(spool, e);
        throw e;
      }
      Optional<String> partial = Optional.empty();
      long flushed = start;
      if (spool.written() > 0) {
        archive.storePartial(spool.segment(), spool.file(), spool.written());
        partial = Optional.of(spool.segment() + ".partial");
      }
      if (spool.position() > start) {
        flushed = report(stream, spool.position());
      }
      log.info(
          "WAL streaming stopped at {}: {} segments stored{}",
          WalNames.formatLsn(flushed),
          segments,
          partial.map(p -> ", partial " + p).orElse(""));
      return new Result(
          timeline, WalNames.formatLsn(start), WalNames.formatLsn(flushed), segments, partial);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException(
          "WAL streaming was interrupted; the slot " + slot + " keeps the WAL not yet archived", e);
    } finally {
      stream.close();
    }
  }

  /** What was received before the stream failed is stored too: it is WAL the server wrote. */
  private void keepPartial(SegmentSpool spool, Exception failure) {
    if (spool.written() > 0) {
      try {
        archive.storePartial(spool.segment(), spool.file(), spool.written());
        log.warn(
            "stream failed at {}; stored what was received as a partial segment",
            WalNames.formatLsn(spool.position()));
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * @return complete segments stored
   */
  private long receive(PGReplicationStream stream, SegmentSpool spool, BooleanSupplier stop)
      throws SQLException, IOException, InterruptedException {
    long segments = 0;
    long flushed = spool.position();
    int idle = 0;
    int afterStop = 0;
    while (true) {
      // on stop, what the server sent already is still taken (a few batches at most)
      boolean stopping = stop.getAsBoolean();
      if (stopping && afterStop++ > 16) {
        break;
      }
      ByteBuffer data = stream.readPending();
      if (data == null) {
        if (stopping) {
          break;
        }
        if (stream.isClosed()) {
          throw new SQLException(
              "the server ended the stream at " + WalNames.formatLsn(spool.position()));
        }
        // poll fast while WAL flows (or a synchronous commit waits), slowly when idle
        Thread.sleep(synchronous || idle++ < 100 ? 1 : 20);
        continue;
      }
      idle = 0;
      long batch = 0;
      while (data != null) {
        long dataStart = stream.getLastReceiveLSN().asLong() - data.remaining();
        if (dataStart != spool.position()) {
          throw new SQLException(
              "the server sent WAL from "
                  + WalNames.formatLsn(dataStart)
                  + ", expected "
                  + WalNames.formatLsn(spool.position()));
        }
        batch += data.remaining();
        while (data.hasRemaining()) {
          spool.append(data);
          if (spool.full()) {
            archive.store(spool.segment(), spool.file());
            archive.dropPartials(spool.segment());
            segments++;
            spool.next();
            flushed = report(stream, spool.position());
          }
        }
        // a synchronous batch: what arrived together is stored with one write
        data = batch < BATCH_BYTES ? stream.readPending() : null;
      }
      if (synchronous && spool.written() > 0 && spool.position() > flushed) {
        archive.storePartial(spool.segment(), spool.file(), spool.written());
        flushed = report(stream, spool.position());
      }
    }
    return segments;
  }

  private static long report(PGReplicationStream stream, long lsn) throws SQLException {
    LogSequenceNumber position = LogSequenceNumber.valueOf(lsn);
    stream.setFlushedLSN(position);
    stream.setAppliedLSN(position);
    stream.forceUpdateStatus();
    return lsn;
  }

  /** After the archive's newest complete segment of this timeline, else the slot's position. */
  private long startPosition(Identity id, Optional<Long> restart, long segmentSize) {
    Optional<String> newest =
        archive.list().stream()
            .filter(n -> WalNames.isSegment(n) && WalNames.timeline(n) == id.timeline())
            .reduce((a, b) -> b);
    if (newest.isPresent()) {
      return WalNames.startOf(newest.get(), segmentSize) + segmentSize;
    }
    long from = restart.orElse(id.position());
    return from - from % segmentSize;
  }

  private long segmentSize(Connection sql) throws SQLException {
    try (Statement s = sql.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT setting::bigint FROM pg_settings" + " WHERE name = 'wal_segment_size'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * @return the slot's restart_lsn, if it has one; creates the slot if asked to
   */
  private Optional<Long> slotRestart(Connection sql) throws SQLException {
    try (PreparedStatement ps =
        sql.prepareStatement(
            "SELECT slot_type, restart_lsn::text"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          if (!rs.getString(1).equals("physical")) {
            throw new IllegalStateException(
                "replication slot "
                    + slot
                    + " is a "
                    + rs.getString(1)
                    + " slot; give a physical slot's name (--slot)");
          }
          String lsn = rs.getString(2);
          return lsn == null ? Optional.empty() : Optional.of(WalNames.parseLsn(lsn));
        }
      }
    }
    if (!createSlot) {
      throw new NotFoundException(
          "replication slot "
              + slot
              + " does not exist on "
              + redacted()
              + ": create it (--create-slot, or SELECT"
              + " pg_create_physical_replication_slot('"
              + slot
              + "', true))");
    }
    try (PreparedStatement ps =
        sql.prepareStatement(
            "SELECT lsn::text FROM pg_create_physical_replication_slot(?, true)")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        log.info("created physical replication slot {} at {}", slot, rs.getString(1));
        return Optional.of(WalNames.parseLsn(rs.getString(1)));
      }
    }
  }

  private record Identity(int timeline, long position) {}

  private static Identity identify(Connection repl) throws SQLException {
    try (Statement s = repl.createStatement();
        ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
      rs.next();
      return new Identity(rs.getInt("timeline"), WalNames.parseLsn(rs.getString("xlogpos")));
    }
  }

  /** Stores the timeline's history file (timeline 1 has none), as recovery reads it. */
  private void storeHistory(Connection repl, int timeline) throws SQLException, IOException {
    if (timeline <= 1) {
      return;
    }
    String name;
    byte[] content;
    try (Statement s = repl.createStatement();
        ResultSet rs = s.executeQuery("TIMELINE_HISTORY " + timeline)) {
      rs.next();
      name = rs.getString(1);
      content = rs.getBytes(2);
    }
    Path temp = Files.createTempFile("wal-history-", ".tmp");
    try {
      Files.write(temp, content);
      archive.store(WalNames.check(name), temp);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private Properties normalProperties() {
    Properties p = (Properties) properties.clone();
    p.setProperty("ApplicationName", applicationName + "_control");
    return p;
  }

  private Properties replicationProperties() {
    Properties p = (Properties) properties.clone();
    p.setProperty("replication", "true");
    p.setProperty("assumeMinServerVersion", "9.4");
    p.setProperty("preferQueryMode", "simple");
    p.setProperty("ApplicationName", applicationName);
    return p;
  }

  private String redacted() {
    return url.replaceAll("password=[^&]*", "password=****");
  }

  @Override
  public String toString() {
    return "WalStreamer["
        + redacted()
        + ", slot "
        + slot
        + ", "
        + archive
        + (synchronous ? ", synchronous" : "")
        + "]";
  }

  /** Collects a streamer's settings. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final String url;
    private final WalArchive archive;
    private final Properties properties = new Properties();
    private String slot = "avnology_wal";
    private boolean createSlot;
    private boolean synchronous;
    private String applicationName = "avnology_wal";
    private Duration statusInterval = Duration.ofSeconds(10);

    private Builder(String url, WalArchive archive) {
      this.url = url;
      this.archive = archive;
    }

    /**
     * {@return this builder}
     *
     * @param name the physical replication slot; {@code avnology_wal} by default
     * @throws IllegalArgumentException if not a slot name (lower-case letters, digits, _)
     */
    public Builder slot(String name) {
      requireNonNull(name, "null slot");
      if (!SLOT.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "not a replication slot name: "
                + name
                + "; use lower-case letters, digits and _ (at most 63)");
      }
      this.slot = name;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param create create the slot (reserving WAL at once) if it does not exist; without it a
     *     missing slot is an error
     */
    public Builder createSlot(boolean create) {
      this.createSlot = create;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param synchronous store the partial segment after every batch received before reporting it
     *     flushed, so that a server naming {@link #applicationName} in {@code
     *     synchronous_standby_names} acknowledges a commit only once the sink holds it
     */
    public Builder synchronous(boolean synchronous) {
      this.synchronous = synchronous;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param name the application_name the streamer connects with, as {@code
     *     synchronous_standby_names} names it; {@code avnology_wal} by default
     * @throws IllegalArgumentException if blank
     */
    public Builder applicationName(String name) {
      requireNonNull(name, "null applicationName");
      if (name.isBlank()) {
        throw new IllegalArgumentException("application name is blank");
      }
      this.applicationName = name;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param properties driver properties such as {@code user} and {@code password}; copied
     */
    public Builder properties(Properties properties) {
      this.properties.clear();
      this.properties.putAll(requireNonNull(properties, "null properties"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param interval how often a status is sent to the server when nothing else happens; 10 s by
     *     default
     * @throws IllegalArgumentException if not positive
     */
    public Builder statusInterval(Duration interval) {
      requireNonNull(interval, "null interval");
      if (interval.isZero() || interval.isNegative()) {
        throw new IllegalArgumentException("status interval must be positive: " + interval);
      }
      this.statusInterval = interval;
      return this;
    }

    /** {@return the streamer} */
    public WalStreamer build() {
      return new WalStreamer(this);
    }
  }
}
