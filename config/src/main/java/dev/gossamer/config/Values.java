package dev.gossamer.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers of the scalar value syntaxes (durations, percentages, addresses, YAML 1.2 core integers, environment
 * substitution). Each throws {@link BadValue} carrying the "expected" text; the tree reader turns it into a
 * positioned problem. Stateless.
 */
final class Values {

    /** A value that does not parse; {@code expected} completes {@code value (expected: ...)}. */
    static final class BadValue extends Exception {
        final String expected;

        BadValue(String expected) {
            super(expected, null, false, false);
            this.expected = expected;
        }
    }

    static final String DURATION_EXPECTED = "a duration with a unit, like 250ms, 5s, 1.5s, 1m30s, 1h, or 0";
    static final String ADDRESS_EXPECTED = "host:port, like 127.0.0.1:15001 or [::1]:15001";

    /** A year: larger durations are typos, and they would overflow timer arithmetic downstream. */
    static final Duration MAX_DURATION = Duration.ofDays(366);

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(?:\\.(\\d+))?(ms|h|m|s)");
    private static final Pattern CORE_INT = Pattern.compile("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)%");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4ISH = Pattern.compile("[0-9.]+");
    private static final Pattern IPV6ISH = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Values() {
    }

    /**
     * {@code 250ms}, {@code 5s}, {@code 1.5s}, {@code 1m30s}, {@code 1h}, {@code 0}: up to nine digits after the point,
     * the sum of the parts rounded half up to the nanosecond.
     *
     * <p>Exact in {@code long}s: a part's fraction is counted in picoseconds (nine digits of a millisecond are a
     * picosecond), its sub-nanosecond rest summed apart and rounded once at the end. Not {@link java.math.BigDecimal}:
     * its class initialiser computes tables of powers of ten, 60 ms on one core in a fresh JVM, and the first duration
     * of a config paid it on every start (docs/performance.md, "Start-up").
     */
    static Duration duration(String text) throws BadValue {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.isEmpty()) {
            throw new BadValue(DURATION_EXPECTED);
        }
        Matcher m = DURATION_PART.matcher(text);
        long nanos = 0;
        long picos = 0; // the parts' sub-nanosecond rests, each below 1000
        try {
            for (int at = 0; at < text.length(); at = m.end()) {
                if (!m.find(at) || m.start() != at) {
                    throw new BadValue(DURATION_EXPECTED);
                }
                long millisPerUnit = switch (m.group(3)) {
                    case "ms" -> 1;
                    case "s" -> 1_000;
                    case "m" -> 60_000;
                    default -> 3_600_000;
                };
                nanos = Math.addExact(nanos,
                        Math.multiplyExact(Long.parseLong(m.group(1)), millisPerUnit * 1_000_000));
                String fraction = m.group(2);
                if (fraction != null) {
                    if (fraction.length() > 9) {
                        throw new BadValue("at most nine digits after the point, like 1.5s or 0.000000001s");
                    }
                    // nine digits of a unit in billionths of it, times the unit's milliseconds: picoseconds, below
                    // 10^9 * 3.6 * 10^6 = 3.6 * 10^15, so no overflow
                    long fractionPicos = Long.parseLong((fraction + "00000000").substring(0, 9)) * millisPerUnit;
                    nanos = Math.addExact(nanos, fractionPicos / 1_000);
                    picos += fractionPicos % 1_000;
                }
            }
            nanos = Math.addExact(nanos, picos / 1_000 + (picos % 1_000 >= 500 ? 1 : 0));
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            nanos = Long.MAX_VALUE; // more digits than a long holds: beyond the bound below
        }
        if (nanos > MAX_DURATION.toNanos()) {
            throw new BadValue("at most " + format(MAX_DURATION));
        }
        return Duration.ofNanos(nanos);
    }

    /** The shortest config spelling of {@code d}, for messages: {@code 500ms}, {@code 5s}, {@code 1m30s}. */
    static String format(Duration d) {
        return dev.gossamer.common.OptionRules.format(d);
    }

    /** A YAML 1.2 core-schema integer ({@code 42}, {@code -1}, {@code 0x1f}, {@code 0o17}), or null. */
    static BigInteger integer(String text) {
        if (!CORE_INT.matcher(text).matches()) {
            return null;
        }
        if (text.startsWith("0x")) {
            return new BigInteger(text.substring(2), 16);
        }
        if (text.startsWith("0o")) {
            return new BigInteger(text.substring(2), 8);
        }
        return new BigInteger(text.startsWith("+") ? text.substring(1) : text);
    }

    /** {@code 10%}, or null when the text is not a percentage. */
    static Double percent(String text) {
        Matcher m = PERCENT.matcher(text);
        return m.matches() ? Double.valueOf(m.group(1)) : null;
    }

    /** {@code host:port} or {@code [v6]:port}, port in {@code minPort..65535}. Never resolves names. */
    static HostPort address(String text, int minPort) throws BadValue {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new BadValue(ADDRESS_EXPECTED);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!IPV6ISH.matcher(host).matches() || host.indexOf(':') < 0 || !isInetLiteral(host)) {
                throw new BadValue("a valid IPv6 literal inside [ ], like [::1]:15001");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw new BadValue(ADDRESS_EXPECTED);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new BadValue("IPv6 literals in brackets, like [::1]:15001");
            }
            checkHost(host);
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw new BadValue(ADDRESS_EXPECTED);
        }
        int p = Integer.parseInt(port);
        if (p < minPort || p > 65535) {
            throw new BadValue("port " + minPort + "..65535");
        }
        return new HostPort(host, p);
    }

    private static void checkHost(String host) throws BadValue {
        if (IPV4ISH.matcher(host).matches()) {
            String[] parts = host.split("\\.", -1);
            boolean ok = parts.length == 4;
            for (String part : parts) {
                ok &= !part.isEmpty() && part.length() <= 3 && Integer.parseInt(part) <= 255;
            }
            if (!ok) {
                throw new BadValue("a valid IPv4 address or host name");
            }
            return;
        }
        if (host.length() > 253) {
            throw new BadValue("a host name of at most 253 characters");
        }
        for (String label : host.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                throw new BadValue("a valid host name (letters, digits, '-', dot-separated labels)");
            }
        }
    }

    private static boolean isInetLiteral(String v6) {
        try {
            // Only hex digits, ':' and '.' reach here, so this parses a literal and never does DNS.
            return InetAddress.getByName(v6) != null;
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Replaces {@code ${VAR}} and {@code ${VAR:-default}} ({@code default} when VAR is unset or empty);
     * {@code $$} is a literal {@code $}. An unset VAR without default is an error.
     */
    static String substitute(String text, Function<String, String> env) throws BadValue {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            if (next != '{') {
                out.append(c);
                i++;
                continue;
            }
            int close = text.indexOf('}', i + 2);
            if (close < 0) {
                throw new BadValue("a closing '}' for '${'; write $$ for a literal $");
            }
            String body = text.substring(i + 2, close);
            int sep = body.indexOf(":-");
            String name = sep < 0 ? body : body.substring(0, sep);
            if (!ENV_NAME.matcher(name).matches()) {
                throw new BadValue("${NAME} or ${NAME:-default} with NAME of letters, digits and '_'");
            }
            String value = env.apply(name);
            if (sep >= 0) {
                out.append(value == null || value.isEmpty() ? body.substring(sep + 2) : value);
            } else if (value == null) {
                throw new BadValue("environment variable " + name + " to be set, or a default: ${" + name
                        + ":-default}");
            } else {
                out.append(value);
            }
            i = close + 1;
        }
        return out.toString();
    }
}
