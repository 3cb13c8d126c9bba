package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgresOptions by builder: defaults, the restore mode clean implies, the one conflict. */
final class PostgresOptionsTest {
  @Test
  void builder_defaultsCopiesAndConflicts() {
    PostgresOptions clean = PostgresOptions.builder().schemas(List.of("app")).clean(true).build();

    assertThat(PostgresOptions.defaults().restoreMode()).isEqualTo(RestoreMode.IN_PLACE);
    assertThat(PostgresOptions.defaults().schemas()).isEmpty();
    assertThat(clean.restoreMode()).isEqualTo(RestoreMode.SINGLE_TRANSACTION);
    assertThat(clean.schemas()).containsExactly("app");
    assertThat(clean.toBuilder().build()).isEqualTo(clean);
    PostgresOptions inPlace =
        clean.toBuilder().clean(false).restoreMode(RestoreMode.IN_PLACE).build();
    assertThat(inPlace.clean()).isFalse();
    assertThat(inPlace.schemas()).containsExactly("app");
    assertThat(clean.toBuilder().restoreMode(RestoreMode.SWAP).build())
        .isEqualTo(
            PostgresOptions.builder()
                .schemas(List.of("app"))
                .clean(true)
                .restoreMode(RestoreMode.SWAP)
                .build());
    assertThat(
            PostgresTarget.builder(new org.postgresql.ds.PGSimpleDataSource())
                .noOwner()
                .build()
                .options())
        .isEqualTo(PostgresOptions.builder().noOwner(true).build());
    assertThatThrownBy(
            () -> PostgresOptions.builder().clean(true).restoreMode(RestoreMode.IN_PLACE).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "clean with RestoreMode.IN_PLACE would drop the old objects before the new"
                + " ones are loaded, in transactions of their own: use SINGLE_TRANSACTION (the"
                + " default with clean) or SWAP");
  }
}
