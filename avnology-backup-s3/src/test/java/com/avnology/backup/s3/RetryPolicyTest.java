package com.avnology.backup.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.StorageException;
import com.avnology.backup.s3.internal.Retry;
import com.avnology.backup.s3.internal.S3Errors;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.ErrorResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One retry policy for the three S3 builders: its backoff with and without jitter, its validation,
 * and which failures it retries (never {@code RequestTimeTooSkewed}).
 */
final class RetryPolicyTest {
  static ErrorResponseException answer(String code) {
    return new ErrorResponseException(
        new ErrorResponse(code, code + " message", "b", "k", "/b/k", "req", "host"), null, null);
  }

  @Test
  void backoff_doublesUpToTheMaximum_jitterBetweenHalfAndAll() {
    RetryPolicy steady =
        RetryPolicy.builder()
            .baseDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofMillis(500))
            .jitter(false)
            .build();
    Retry jittered =
        Retry.of(
            RetryPolicy.builder()
                .baseDelay(Duration.ofMillis(100))
                .maxDelay(Duration.ofMillis(500))
                .build());

    assertThat(Retry.of(steady).backoff(0, 0.9)).isEqualTo(Duration.ofMillis(100));
    assertThat(Retry.of(steady).backoff(2, 0.9)).isEqualTo(Duration.ofMillis(400));
    assertThat(Retry.of(steady).backoff(3, 0.9)).isEqualTo(Duration.ofMillis(500));
    assertThat(Retry.of(steady).backoff(40, 0.9)).isEqualTo(Duration.ofMillis(500));
    assertThat(jittered.backoff(2, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(jittered.backoff(2, 0.5)).isEqualTo(Duration.ofMillis(300));
    assertThat(jittered.backoff(2, 0.999_999))
        .isBetween(Duration.ofMillis(399), Duration.ofMillis(400));
    assertThat(jittered.backoff(9, 0.0)).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void defaultsAndValidation() {
    assertThat(RetryPolicy.defaults())
        .isEqualTo(RetryPolicy.builder().build())
        .hasToString("RetryPolicy[retries=5, baseDelay=PT0.5S, maxDelay=PT10S, jitter=true]");
    assertThat(RetryPolicy.none().retries()).isZero();
    assertThatThrownBy(() -> RetryPolicy.builder().retries(21))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retries must be between 0 and 20: 21");
    assertThatThrownBy(() -> RetryPolicy.builder().baseDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry delay cannot be negative: PT-0.001S");
    assertThatThrownBy(() -> RetryPolicy.builder().maxDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximum retry delay cannot be negative: PT-0.001S");
    assertThatThrownBy(() -> RetryPolicy.builder().baseDelay(Duration.ofSeconds(20)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "baseDelay PT20S is longer than maxDelay PT10S: raise maxDelay or lower"
                + " baseDelay");
  }

  @Test
  void requestTimeTooSkewed_isNeverRetried_andSaysToFixTheClock() {
    Retry retry = Retry.of(RetryPolicy.builder().retries(3).baseDelay(Duration.ZERO).build());
    AtomicInteger calls = new AtomicInteger();

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                retry.run(
                    "put",
                    () -> {
                      calls.incrementAndGet();
                      throw answer("RequestTimeTooSkewed");
                    }));

    assertThat(calls).hasValue(1);
    assertThat(S3Errors.translate((Exception) thrown, "bucket 'b'", null, "writing k"))
        .isInstanceOf(StorageException.class)
        .hasMessage(
            "bucket 'b' refused the request's time while writing k"
                + " (RequestTimeTooSkewed): this host's clock differs from the server's by more than"
                + " 15 minutes; set it right (NTP) and run again");
    for (String code : new String[] {"AccessDenied", "SignatureDoesNotMatch", "NoSuchBucket"}) {
      assertThat(Retry.isTransient(answer(code))).as(code).isFalse();
    }
  }

  @Test
  void transientFailures_areRetriedUpToThePolicy() throws Exception {
    Retry retry = Retry.of(RetryPolicy.builder().retries(2).baseDelay(Duration.ZERO).build());
    AtomicInteger calls = new AtomicInteger();

    String result =
        retry.run(
            "get",
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw calls.get() == 1 ? answer("SlowDown") : new IOException("connection reset");
              }
              return "ok";
            });

    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
    calls.set(0);
    assertThatThrownBy(
            () ->
                retry.run(
                    "get",
                    () -> {
                      calls.incrementAndGet();
                      throw answer("InternalError");
                    }))
        .isInstanceOf(ErrorResponseException.class);
    assertThat(calls).hasValue(3);
  }
}
