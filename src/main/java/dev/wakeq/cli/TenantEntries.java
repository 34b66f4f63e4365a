package dev.wakeq.cli;

import dev.wakeq.install.InvalidSpecException;
import dev.wakeq.install.TenantSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the flags, or a tenants file whose lines are {@code name=value ...} with the flags as defaults, into validated
 * specs. Every entry is validated before any database is touched, so one bad line installs nothing; each error names
 * the flag or the file line.
 */
final class TenantEntries {

    /** One tenant to work on; {@code where} names it in messages ("--flags" or "FILE line N"). */
    record Entry(String where, TenantSpec spec, String sslMode) {
    }

    private static final Set<String> SSL_MODES = Set.of("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA",
            "VERIFY_IDENTITY");
    // uninstall only reads names: where wake-ups went and under which key does not matter to it.
    private static final Map<String, String> UNINSTALL_PLACEHOLDERS = Map.of("wake-host", "127.0.0.1",
            "tenant-key", "uninstall");

    private final String command;
    private final Map<String, String> env;

    TenantEntries(String command, Map<String, String> env) {
        this.command = command;
        this.env = env;
    }

    List<Entry> read(CommandLine cli) throws UsageException {
        if (cli.tenantsFile() == null) {
            return List.of(entry("flags", cli.tenantFlags()));
        }
        Path file = Path.of(cli.tenantsFile());
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UsageException("--tenants-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> seenTargets = new HashMap<>();
        Map<String, String> seenKeys = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            Map<String, String> values = new LinkedHashMap<>(cli.tenantFlags());
            values.putAll(line(where, line));
            Entry entry = entry(where, values);
            TenantSpec s = entry.spec();
            String target = s.dbHost() + ":" + s.dbPort() + "/" + s.schema().name() + "." + s.queueTable().name();
            duplicate(seenTargets.put(target, where), where, "the same database, schema and queue-table");
            if (!command.equals("uninstall")) {
                duplicate(seenKeys.put(s.tenantKey(), where), where, "the same tenant-key");
            }
            entries.add(entry);
        }
        if (entries.isEmpty()) {
            throw new UsageException("--tenants-file: " + file + " names no tenant");
        }
        return entries;
    }

    private static void duplicate(String earlier, String where, String what) throws UsageException {
        if (earlier != null) {
            throw new UsageException(where + ": " + what + " as " + earlier);
        }
    }

    private static Map<String, String> line(String where, String line) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String token : line.split("\\s+")) {
            int eq = token.indexOf('=');
            String name = eq < 0 ? token : token.substring(0, eq);
            if (name.equals("password")) {
                throw new UsageException(where + ": password: not in this file (it is meant to be shareable); "
                        + "use password-file=PATH or password-env=VARIABLE");
            }
            if (eq <= 0 || !TenantFields.BY_NAME.containsKey(name)) {
                throw new UsageException(where + ": '" + name + "': expected name=value with a name of: "
                        + String.join(" ", TenantFields.BY_NAME.keySet()));
            }
            if (values.put(name, token.substring(eq + 1)) != null) {
                throw new UsageException(where + ": " + name + " given twice");
            }
        }
        return values;
    }

    private Entry entry(String where, Map<String, String> given) throws UsageException {
        Map<String, String> v = new HashMap<>();
        TenantFields.ALL.forEach(f -> {
            if (f.fallback() != null) {
                v.put(f.name(), f.fallback());
            }
        });
        if (command.equals("uninstall")) {
            v.putAll(UNINSTALL_PLACEHOLDERS);
        }
        v.putAll(given);
        String prefix = where.equals("flags") ? "--" : where + ": ";
        for (String required : List.of("db-host", "schema", "user", "wake-host", "tenant-key")) {
            if (v.get(required) == null || v.get(required).isEmpty()) {
                throw new UsageException(prefix + required + ": missing");
            }
        }
        String sslMode = v.get("ssl-mode").toUpperCase();
        if (!SSL_MODES.contains(sslMode)) {
            throw new UsageException(prefix + "ssl-mode: must be one of " + String.join(", ", SSL_MODES.stream()
                    .sorted().toList()));
        }
        String create = v.get("create-queue-table");
        if (!create.equals("true") && !create.equals("false")) {
            throw new UsageException(prefix + "create-queue-table: must be true or false");
        }
        String password = password(prefix, v);
        try {
            TenantSpec spec = TenantSpec.builder()
                    .database(v.get("db-host"), number(prefix, "db-port", v), v.get("schema"))
                    .credentials(v.get("user"), password)
                    .queueTable(v.get("queue-table"))
                    .deadLetterTable(v.get("dead-letter-table"))
                    .wakeTarget(v.get("wake-host"), number(prefix, "wake-port", v))
                    .tenantKey(v.get("tenant-key"))
                    .functionVersion(v.get("function-version"))
                    .sweepMinutes(number(prefix, "sweep-minutes", v))
                    .createQueueTable(Boolean.parseBoolean(create))
                    .build();
            return new Entry(where, spec, sslMode);
        } catch (InvalidSpecException e) {
            // Its message starts with the spec's field name; say it as the user wrote it.
            String message = e.getMessage().substring(e.field().length() + 2);
            throw new UsageException(prefix + TenantFields.flagOf(e.field()) + ": " + message);
        }
    }

    private String password(String prefix, Map<String, String> v) throws UsageException {
        String file = v.get("password-file");
        if (file != null) {
            try {
                String content = Files.readString(Path.of(file));
                return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                        : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            } catch (IOException e) {
                throw new UsageException(prefix + "password-file: cannot read " + file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        String variable = v.get("password-env");
        String password = env.get(variable);
        if (password == null) {
            throw new UsageException(prefix + "password-env: environment variable " + variable + " is not set "
                    + "(or give password-file)");
        }
        return password;
    }

    private static int number(String prefix, String name, Map<String, String> v) throws UsageException {
        try {
            return Integer.parseInt(v.get(name));
        } catch (NumberFormatException e) {
            throw new UsageException(prefix + name + ": not a whole number");
        }
    }
}
