package dev.gossamer.proxy;

/**
 * The labels a finished request is counted and logged under, decided in one place so the metrics, the access log
 * and any later classification (a gRPC status) agree: the status class ({@code 2xx}..{@code 5xx}), one
 * {@link Flag} in the spirit of Envoy's response flags, and the {@link #NONE} name for the route and cluster of a
 * request that matched no route (never an empty label value).
 *
 * <p>Cardinality: five classes times {@link Flag}'s dozen values per route, and most combinations never occur
 * (a flag goes with one status); no label carries a status code, a path or an endpoint. Stateless.
 */
public final class RequestLabels {

    /** The route and cluster label of a request no route matched (and of one refused before routing). */
    public static final String NONE = "none";

    private static final String[] CLASSES = {"5xx", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private RequestLabels() {
    }

    /** {@code 1xx}..{@code 5xx}; anything outside 100..599 counts as {@code 5xx} (a proxy failure). */
    public static String statusClass(int status) {
        return CLASSES[statusClassIndex(status)];
    }

    /** 1..5 for {@code 1xx}..{@code 5xx}, as {@link #statusClass}. */
    static int statusClassIndex(int status) {
        int c = status / 100;
        return c < 1 || c > 5 ? 5 : c;
    }

    /**
     * The flag of an answer the proxy made itself ({@code status} with its {@code x-gossamer-reason}): the one map
     * from the proxy's reasons to flags.
     */
    static Flag proxyFlag(int status, String reason) {
        return switch (status) {
            case 400, 417 -> Flag.DOWNSTREAM_PROTOCOL_ERROR;
            case 404 -> Flag.NO_ROUTE;
            case 408 -> Flag.DOWNSTREAM_TIMEOUT;
            case 503 -> Flag.NO_HEALTHY_UPSTREAM;
            case 504 -> Flag.UPSTREAM_TIMEOUT;
            case 502 -> switch (reason == null ? "" : reason) {
                case "upstream connect failure" -> Flag.UPSTREAM_CONNECT_FAILURE;
                case "proxy error" -> Flag.PROXY_ERROR;
                default -> Flag.UPSTREAM_RESET;
            };
            default -> status == 499 ? Flag.DOWNSTREAM_CLOSED : Flag.NONE;
        };
    }

    /**
     * The flag of a request that ended with {@code status} after {@code tries} tries, when nothing more specific
     * was recorded: an endpoint's own 5xx after more than one try means the retries ran out.
     */
    static Flag endpointFlag(int status, int tries) {
        if (status == 499) {
            return Flag.DOWNSTREAM_CLOSED;
        }
        return status >= 500 && tries > 1 ? Flag.RETRIES_EXHAUSTED : Flag.NONE;
    }

    /**
     * Why the proxy, not the endpoint, shaped the answer: one flag per request, Envoy's two- or three-letter code
     * where Envoy has one. {@link #NONE} ({@code -}) for an answer the endpoint gave as is.
     */
    public enum Flag {
        /** The endpoint's own answer. */
        NONE("-"),
        /** No route matched (404). Envoy: NR. */
        NO_ROUTE("NR"),
        /** The cluster had no healthy endpoint (503). Envoy: UH. */
        NO_HEALTHY_UPSTREAM("UH"),
        /** Connecting to the endpoint failed (502). Envoy: UF. */
        UPSTREAM_CONNECT_FAILURE("UF"),
        /** The endpoint reset the connection or stream (502, or a reset response). Envoy: UC. */
        UPSTREAM_RESET("UC"),
        /** The route or per-try timeout fired (504). Envoy: UT. */
        UPSTREAM_TIMEOUT("UT"),
        /** Tries ran out: the last of several tries answered with a retryable failure. Envoy: URX. */
        RETRIES_EXHAUSTED("URX"),
        /** The client closed or reset before the end (499). Envoy: DC. */
        DOWNSTREAM_CLOSED("DC"),
        /** The request was malformed or ambiguous (400). Envoy: DPE. */
        DOWNSTREAM_PROTOCOL_ERROR("DPE"),
        /** The client's request body stalled past the timeout (408). Gossamer's own flag. */
        DOWNSTREAM_TIMEOUT("DT"),
        /** The proxy failed unexpectedly (502 "proxy error", logged). Gossamer's own flag. */
        PROXY_ERROR("PE");

        private final String code;

        Flag(String code) {
            this.code = code;
        }

        /** The short code written in the access log and the {@code response_flags} label. */
        public String code() {
            return code;
        }
    }
}
