package dev.wakeq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void javaRelease() {
        assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(17);
    }
}
