package dev.gossamer.sidecar;

import java.util.Locale;

/**
 * A sidecar that could not start, said as one sentence that names the address, file or key and the fix, e.g.
 * {@code 127.0.0.1:9901 is already in use (another gossamer or Envoy's admin?) — set admin.address}, in place of
 * the socket layer's {@code bind(..) failed with error(-98): Address already in use} (issue 12).
 *
 * <p>The message is the whole sentence: {@code gossamer run} and {@code gossamer demo} print it as it is.
 */
public final class StartupFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String sentence;
    private final String key;

    /** {@code sentence} says what failed; {@code fix} what to do; {@code key} the setting involved, or null. */
    private StartupFailure(String sentence, String key, String fix, Throwable cause) {
        super(sentence + " — " + fix, cause);
        this.sentence = sentence;
        this.key = key;
    }

    /** The setting whose value could not be used ({@code admin.address}, {@code listeners[0].address} ...), or null. */
    String key() {
        return key;
    }

    /**
     * The same failure with another fix, for a command that wrote the setting itself and has its own lever (the
     * demo's {@code --admin-port} in place of {@code admin.address}).
     */
    StartupFailure withFix(String fix) {
        return new StartupFailure(sentence, key, fix, getCause());
    }

    /**
     * What binding {@code address} for {@code what} (e.g. "the admin API") failed of, as a sentence ending with the
     * key to change ({@code admin.address}); {@code hint} names a likely other owner of a busy port, or is null.
     */
    static StartupFailure bind(String what, String address, String key, String hint, Throwable cause) {
        String reason = causeText(cause).toLowerCase(Locale.ROOT);
        String sentence;
        if (reason.contains("address already in use") || reason.contains("already in use")) {
            sentence = address + " is already in use" + (hint == null ? "" : " (" + hint + ")");
        } else if (reason.contains("permission denied") || reason.contains("access denied")) {
            sentence = "cannot bind " + what + " to " + address + ": permission denied (ports below 1024 need root or "
                    + "CAP_NET_BIND_SERVICE)";
        } else if (reason.contains("cannot assign requested address") || reason.contains("not available")) {
            sentence = address + " is not an address of this machine, so " + what + " cannot bind it";
        } else {
            sentence = "cannot bind " + what + " to " + address + ": " + causeText(cause);
        }
        return new StartupFailure(sentence, key, "set " + key, cause);
    }

    /** A failure of {@code what} at start that is not a bind: the cause's own text, with the key to look at. */
    static StartupFailure other(String what, String key, Throwable cause) {
        return new StartupFailure("cannot start " + what + ": " + causeText(cause), key, "check " + key, cause);
    }

    /** Whether {@code cause} (or one of its causes) is a socket that could not be bound. */
    static boolean isBindFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && (m.contains("bind(") || m.contains("Address already in use")
                    || m.contains("Cannot assign requested address"))) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message worth showing: never {@code null}, never a bare class name when a message exists. */
    static String causeText(Throwable cause) {
        Throwable t = cause;
        String text = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                text = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        if (text == null) {
            return cause == null ? "unknown error" : cause.getClass().getSimpleName();
        }
        // Netty's native form, "bind(..) failed with error(-98): Address already in use": the part after the colon.
        int i = text.indexOf("): ");
        return text.startsWith("bind(") && i > 0 ? text.substring(i + 3) : text;
    }
}
