package com.avnology.backup.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A GET that must answer 2xx: the healthcheck of a URL. */
public final class HttpCheck {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private HttpCheck() {}

  /**
   * {@return a description of the answer}
   *
   * @param url the URL
   * @param shown how to name it in messages (without its query string)
   * @throws IOException if there is no answer, or not a 2xx one
   * @throws InterruptedException if interrupted while waiting
   */
  public static String get(URI url, String shown) throws IOException, InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpResponse<Void> r =
        client.send(
            HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() / 100 != 2) {
      throw new IOException(shown + " answered " + r.statusCode() + ", not 2xx");
    }
    return "answered " + r.statusCode();
  }
}
