package dev.wakeq.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One tenant database whose queue table wakeq wakes workers for. */
@Group(QueueTenant.GROUP)
@Version(QueueTenant.VERSION)
@ShortNames({"qt", "qtenant"})
@AdditionalPrinterColumn(name = "Pool", jsonPath = ".spec.pool.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Database", jsonPath = ".spec.database.schema", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Source", jsonPath = ".status.wakeSource", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Function", jsonPath = ".status.installedFunctionVersion",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class QueueTenant extends CustomResource<QueueTenantSpec, QueueTenantStatus> implements Namespaced {
    public static final String GROUP = "wakeq.dev";
    public static final String VERSION = "v1alpha1";
}
