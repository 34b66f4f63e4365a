package dev.wakeq.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One parsed {@code wakeq install | uninstall | status} command line: the command, the tenant flags (defaults for
 * every line of a tenants file) and the command's own switches. Unknown flags are refused with the list of valid ones.
 */
record CommandLine(String command, Map<String, String> tenantFlags, String tenantsFile, boolean check) {

    static final Set<String> COMMANDS = Set.of("install", "uninstall", "status");

    static CommandLine parse(String command, String[] args) throws UsageException {
        Map<String, String> tenant = new LinkedHashMap<>();
        String tenantsFile = null;
        boolean check = false;
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new UsageException("argument '" + arg + "': flags look like --name=value or --name");
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            if (name.equals("password")) {
                throw new UsageException("--password: a password on the command line is visible to every user of "
                        + "the machine (ps, /proc); use --password-file=PATH or --password-env=VARIABLE");
            }
            if (name.equals("check") && command.equals("install")) {
                if (value != null) {
                    throw new UsageException("--check takes no value");
                }
                check = true;
            } else if (name.equals("tenants-file")) {
                tenantsFile = required(name, value);
            } else if (name.equals("create-queue-table") && value == null) {
                tenant.put(name, "true");
            } else if (TenantFields.BY_NAME.containsKey(name)) {
                if (tenant.put(name, required(name, value)) != null) {
                    throw new UsageException("--" + name + " given twice");
                }
            } else {
                throw new UsageException("--" + name + ": unknown flag for '" + command + "'; valid: "
                        + String.join(" ", validFlags(command)));
            }
        }
        return new CommandLine(command, tenant, tenantsFile, check);
    }

    static Set<String> validFlags(String command) {
        Set<String> valid = new TreeSet<>();
        TenantFields.ALL.forEach(f -> valid.add("--" + f.name()));
        valid.add("--tenants-file");
        if (command.equals("install")) {
            valid.add("--check");
        }
        return valid;
    }

    private static String required(String name, String value) throws UsageException {
        if (value == null || value.isEmpty()) {
            throw new UsageException("--" + name + " needs a value: --" + name + "=...");
        }
        return value;
    }
}
