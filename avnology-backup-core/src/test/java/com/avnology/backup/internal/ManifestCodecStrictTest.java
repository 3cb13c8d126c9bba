package com.avnology.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.IntegrityException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The manifest reader refuses what the lenient databind reader took: a wrong type or a missing
 * field is an {@link IntegrityException} naming the field by its path (the recorded corpus in
 * {@code manifests/cases/*.strict} holds many more).
 */
final class ManifestCodecStrictTest {
  private static final String V1 =
      new String(ManifestFixtures.resource("v1-plain.json"), StandardCharsets.UTF_8);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"size\" : 5000000000|\"size\" : \"x\"|field 'targets[0].artifacts[0].size' must be a whole"
            + " number, not the string \"x\"",
        "\"size\" : 5000000000|\"size\" : true|field 'targets[0].artifacts[0].size' must be a whole"
            + " number, not true",
        "\"size\" : 5000000000|\"size\" : 5e9|field 'targets[0].artifacts[0].size' must be a whole"
            + " number, not 5.0E9",
        "\"kind\" : \"volume\",|\"kind\" : 3,|field 'targets[0].kind' must be a string, not 3",
        "\"kind\" : \"volume\",|\"kind\" : null,|field 'targets[0].kind' is missing",
        "\"formatVersion\" : 1,|\"formatVersion\" : \"1\",|field 'formatVersion' must be a whole"
            + " number, not the string \"1\"",
        "\"libraryVersion\" : \"0.0.9\",|\"libraryVersion\" : [],|field 'libraryVersion' must be a"
            + " string, not an array",
        "\"compression\" : \"zstd:3\",|\"compression\" : 1,|field 'targets[0].options.compression'"
            + " must be a string, not 1"
      })
  void wrongTypeOrMissing_isRefused_namingTheField(String from, String to, String why) {
    assertThat(V1).contains(from);
    byte[] bad =
        V1.replaceFirst(
                java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to))
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ManifestCodec.read(ManifestFixtures.V1_ID, bad))
        .isInstanceOf(IntegrityException.class)
        .hasMessage(
            "manifest of set "
                + ManifestFixtures.V1_ID
                + " is malformed ("
                + why
                + "): the set cannot be trusted; restore another set");
  }

  @Test
  void unknownFields_areIgnored_andAbsentOptionsReadAsEmpty() {
    String json =
        V1.replaceFirst(
            "\"formatVersion\" : 1,",
            "\"formatVersion\" : 1, \"comment\" : {\"from\" : \"a newer writer\"},");
    json = json.replaceFirst("(?s)\"options\" : \\{.*?\\},", "");

    assertThat(
            ManifestCodec.read(ManifestFixtures.V1_ID, json.getBytes(StandardCharsets.UTF_8))
                .targets()
                .get(0)
                .options())
        .isEmpty();
  }
}
