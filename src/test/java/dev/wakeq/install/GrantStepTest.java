package dev.wakeq.install;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CURRENT_USER() in the form of the information_schema GRANTEE columns, which install --check filters on. */
class GrantStepTest {

    @Test
    void currentUserBecomesTheQuotedGrantee() {
        assertThat(GrantStep.grantee("wakeq_operator@%")).isEqualTo("'wakeq_operator'@'%'");
        assertThat(GrantStep.grantee("op@10.0.0.%")).isEqualTo("'op'@'10.0.0.%'");
        // A user name may hold '@'; the host part never does.
        assertThat(GrantStep.grantee("a@b@localhost")).isEqualTo("'a@b'@'localhost'");
    }
}
