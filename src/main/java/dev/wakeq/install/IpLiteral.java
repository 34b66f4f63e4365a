package dev.wakeq.install;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Parses an IPv4 or IPv6 address literal without ever asking DNS. The function runs {@code _init} once per
 * inserted row, so a host name would mean a DNS lookup per INSERT; only literals are accepted.
 */
final class IpLiteral {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    // InetAddress.getByName() skips DNS only when the text starts with a hex digit or ':' and (for IPv6)
    // contains ':'; this pattern guarantees both, so a bad literal fails instead of being looked up.
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");

    private IpLiteral() {
    }

    /** The canonical text of the address (what goes into SQL), or an exception naming {@code field}. */
    static String canonical(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidSpecException(field, "missing: give an IPv4 or IPv6 address literal");
        }
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = !v4 && text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches();
        if (!v4 && !v6) {
            throw new InvalidSpecException(field, "'" + shown(text) + "' is not an IP address literal "
                    + "(host names are not accepted: the function would resolve them once per inserted row)");
        }
        try {
            return InetAddress.getByName(text).getHostAddress();
        } catch (UnknownHostException e) {
            throw new InvalidSpecException(field, "'" + shown(text) + "' is not a valid IPv6 address");
        }
    }

    private static String shown(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
