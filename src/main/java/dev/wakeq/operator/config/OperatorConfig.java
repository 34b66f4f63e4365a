package dev.wakeq.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The operator's settings ({@code wakeq.operator.*} in application.properties or WAKEQ_OPERATOR_* env). */
@ConfigMapping(prefix = "wakeq.operator")
public interface OperatorConfig {

    /** How often a Ready tenant's database is checked again, so a trigger or event dropped by hand returns. */
    @WithDefault("5m")
    Duration recheckInterval();

    /** How soon a tenant with a problem (database down, missing library, ...) is tried again. */
    @WithDefault("30s")
    Duration retryInterval();
}
