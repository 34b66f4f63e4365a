package dev.wakeq.testbed.node;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class when the real node cannot start here (not root, binaries or images missing), naming what is
 * missing. On CI ({@code CI=true}) it never skips: the start fails and shows why.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresRealNode.Condition.class)
public @interface RequiresRealNode {

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (RealNode.isCi()) {
                return ConditionEvaluationResult.enabled("CI=true: a missing prerequisite must fail");
            }
            return RealNode.missingPrerequisites()
                    .map(ConditionEvaluationResult::disabled)
                    .orElseGet(() -> ConditionEvaluationResult.enabled("real node prerequisites present"));
        }
    }
}
