package dev.wakeq.testbed.kube;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class before anything starts (Quarkus included) when the kube-apiserver binaries are missing.
 * On CI ({@code CI=true}) it never skips, so the start itself fails and shows why.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresKubeApiServer.Condition.class)
public @interface RequiresKubeApiServer {

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (KubeApiServers.isCi()) {
                return ConditionEvaluationResult.enabled("CI=true: a missing kube-apiserver must fail");
            }
            return KubeApiServers.missingBinaries()
                    .map(ConditionEvaluationResult::disabled)
                    .orElseGet(() -> ConditionEvaluationResult.enabled("kube-apiserver binaries present"));
        }
    }
}
