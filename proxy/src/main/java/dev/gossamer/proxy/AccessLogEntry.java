package dev.gossamer.proxy;

/**
 * One finished downstream request, as the access log writes it (Envoy's access-log fields, under Envoy's names
 * where they exist). Immutable; built once per request, only when an {@link AccessLog} is installed.
 *
 * @param startMillis    when the request arrived, wall-clock milliseconds since the epoch
 * @param method         the request method
 * @param authority      {@code :authority} / {@code Host}, or null when the request had none
 * @param path           the request-target as received (origin-form), or null when it was refused before parsing
 * @param protocol       {@code HTTP/1.0}, {@code HTTP/1.1} or {@code HTTP/2}
 * @param status         the status the client got; 499 when the client went away first
 * @param reason         the {@code x-gossamer-reason} when the proxy answered itself ({@code no route}, ...),
 *                       else null
 * @param flag           why the proxy shaped the answer ({@link RequestLabels.Flag#NONE} when it did not)
 * @param route          the matched route, or {@link RequestLabels#NONE}
 * @param cluster        the route's cluster, or {@link RequestLabels#NONE}
 * @param endpoint       {@code host:port} of the last endpoint tried, or null when none was
 * @param tries          how many endpoints were tried (0 when none was)
 * @param bytesIn        request body bytes received from the client
 * @param bytesOut       response body bytes sent to the client
 * @param durationNanos  from the arrival of the request head to the end of the exchange
 * @param upstreamNanos  from the start of the last try to its response head; -1 when no response head came
 * @param requestId      the {@code x-request-id} (the client's, or the one the proxy generated)
 */
public record AccessLogEntry(long startMillis, String method, String authority, String path, String protocol,
                             int status, String reason, RequestLabels.Flag flag, String route, String cluster,
                             String endpoint, int tries, long bytesIn, long bytesOut, long durationNanos,
                             long upstreamNanos, String requestId) {
}
