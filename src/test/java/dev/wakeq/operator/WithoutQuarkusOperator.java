package dev.wakeq.operator;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * For tests that run their own operators ({@link OperatorFixture#successor}): the Quarkus application's operator
 * is not started, so it never acts beside them and never has to be stopped (stopping it closes the shared client
 * and, when an informer then fails, JOSDK ends the JVM).
 */
public class WithoutQuarkusOperator implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.operator-sdk.start-operator", "false");
    }
}
