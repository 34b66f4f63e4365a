package dev.wakeq.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlIdentifierTest {

    @ParameterizedTest
    @ValueSource(strings = {"_queue", "tenant_42", "tenant-42", "Q", "a23456789012345678901234567890123456789012345678901234567890abcd"})
    void acceptsPlainNames(String name) {
        assertThat(SqlIdentifier.of("queue table", name).quoted()).isEqualTo("`" + name + "`");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "_queue`; DROP TABLE x; --", "a b", "a.b", "a'b", "-x", "a;b", "a\nb", "tbl`",
            "a234567890123456789012345678901234567890123456789012345678901234x"})
    void rejectsAnythingElseNamingTheField(String name) {
        assertThatThrownBy(() -> SqlIdentifier.of("queue table", name))
                .isInstanceOf(SqlIdentifier.InvalidIdentifierException.class)
                .hasMessageStartingWith("queue table ")
                .satisfies(e -> assertThat(((SqlIdentifier.InvalidIdentifierException) e).field())
                        .isEqualTo("queue table"));
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> SqlIdentifier.of("schema", null)).hasMessageContaining("schema (missing)");
    }
}
