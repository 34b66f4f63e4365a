package dev.wakeq.worker;

import dev.wakeq.sql.SqlIdentifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which tenants may share a database connection: the same server, URL parameters, user and password. Tenants
 * that differ only in their schema share one, and reach their tables by schema-qualified names, so a sweep of an
 * idle tenant borrows a connection that is already open instead of opening one (a connect costs Connector/J about
 * six statements before the queue SELECT).
 *
 * <p>The password is kept only as a digest: this key lives in maps that a heap dump or a debugger shows.
 *
 * @param url      the tenant's URL without its schema; the whole URL when the schema cannot be split off
 * @param user     the worker account
 * @param secret   SHA-256 of the password, hex
 * @param schema   the tenant's schema, to qualify its tables; null when the URL names none or one that is not
 *                 a plain identifier (the tenant then gets connections of its own, used unqualified)
 */
record ServerAccount(String url, String user, String secret, SqlIdentifier schema) {

    /** {@code jdbc:mysql://hosts[/schema][?parameters]}; hosts may hold brackets, commas and colons. */
    private static final Pattern URL = Pattern.compile("(jdbc:mysql://[^/?#]+)(?:/([^?#]*))?(\\?[^#]*)?");
    private static final Pattern PLAIN_SCHEMA = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,63}");

    static ServerAccount of(TenantConfig tenant) {
        String secret = sha256(tenant.password());
        Matcher m = URL.matcher(tenant.jdbcUrl());
        if (m.matches() && m.group(2) != null && PLAIN_SCHEMA.matcher(m.group(2)).matches()) {
            String rest = m.group(3) == null ? "" : m.group(3);
            return new ServerAccount(m.group(1) + "/" + rest, tenant.user(), secret,
                    SqlIdentifier.of("schema", m.group(2)));
        }
        return new ServerAccount(tenant.jdbcUrl(), tenant.user(), secret, null);
    }

    /**
     * What the connection pool groups by. A tenant whose tables are used unqualified never shares with one whose
     * are qualified, even if their URLs print alike: its statements depend on the connection's default schema.
     */
    String poolKey() {
        return (schema == null ? "own " : "qualified ") + url + " " + user + " " + secret;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The URL may carry credentials as parameters, so only the user is shown. */
    @Override
    public String toString() {
        return "ServerAccount[user=" + user + "]";
    }
}
