/**
 * Gossamer's HTTP data plane on Vert.x: listeners (HTTP/1.1 and h2c), an immutable routing table, per-cluster
 * connection pools and pickers, forwarding with timeouts, retries within a budget, dead-endpoint skipping,
 * metrics, hot apply and graceful drain.
 *
 * <p>Starting points: {@link dev.gossamer.proxy.DataPlane} (create, {@code apply}, {@code start}, {@code drain});
 * its inputs {@link dev.gossamer.proxy.DataPlaneOptions}, {@link dev.gossamer.proxy.ListenerSpec},
 * {@link dev.gossamer.proxy.RouteSpec} ({@link dev.gossamer.proxy.RouteMatch},
 * {@link dev.gossamer.proxy.HeaderMatch}, {@link dev.gossamer.proxy.RetrySpec}) and
 * {@link dev.gossamer.proxy.ClusterSpec} ({@link dev.gossamer.proxy.HashOn}, {@link dev.gossamer.proxy.Protocol});
 * its outputs {@link dev.gossamer.proxy.ClusterStatus}, {@link dev.gossamer.proxy.OutcomeListener} and the access log
 * ({@link dev.gossamer.proxy.AccessLog}, {@link dev.gossamer.proxy.AccessLogWriter},
 * {@link dev.gossamer.proxy.AccessLogOptions}); the labels of a finished request are decided once, in
 * {@link dev.gossamer.proxy.RequestLabels}. The request path itself is {@code Exchange} (package-private).
 *
 * <p>Why not {@code io.vertx:vertx-http-proxy}: its {@code ReverseProxy} picks one origin per request and maps
 * any origin failure to 502, and its request body is streamed straight to that one origin. We need, per try,
 * a choice of endpoint that excludes the endpoints already tried, a per-try timer separate from the route
 * timer, a replay buffer so a retry can resend a body that was already partly consumed (and a cut-off after
 * which the request is no longer retryable), a retry budget shared across the cluster, a precise mapping of
 * each failure kind to 502/503/504 with a reason header, per-try outcome reports for outlier detection, and
 * dead-endpoint marking on connect refusal. Adding those would mean replacing most of its request/response
 * pipeline through interceptors that do not see connection-level failures, so forwarding is written directly
 * between two small interfaces: a {@code Downstream}, the client's side ({@code H1Downstream} on Netty's HTTP/1.1
 * codec for HTTP/1.x clients, {@code H1Connection}; {@code VertxDownstream} over Vert.x's server request and
 * response for HTTP/2 and h2c, chosen on a connection's first bytes by {@code FirstBytes}), and an
 * {@code Upstream}: {@code H1Upstream} (Netty's HTTP/1.1 codec and a pool per event loop and endpoint) for HTTP/1.1
 * endpoints, Vert.x's {@code HttpClient} for HTTP/2 endpoints and WebSocket upgrades. Netty and Vert.x still do all
 * HTTP parsing; Vert.x's server listens, does h2c and sends GOAWAY on shutdown.
 *
 * <p>Timeouts: the route timeout bounds the whole exchange, response body included (Envoy's semantics: a backend
 * trickling a body cannot hold a request past it; issue 14); mid-body it resets the client's connection or stream.
 * Routes that carry long downloads or streams set it to 0. The per-try timeout bounds each try until its response
 * head, where the retry decision is made. A timeout while the proxy waits for the client's own request body is
 * the client's (408), not the endpoint's.
 *
 * <p>gRPC (issue 15; docs/grpc.md): a request with {@code content-type: application/grpc*} has its
 * {@code grpc-timeout} as its deadline (capping the route timeout, sent on decremented), its outcome judged by
 * {@code grpc-status} ({@code Grpc}, pure functions), and the proxy's own answers as trailers-only gRPC responses.
 * Every answer the proxy makes itself goes through {@code LocalReply} (text, JSON or gRPC, with the reason); a
 * route's {@code idleTimeout} bounds a silent stream where the route timeout is 0.
 *
 * <p>HTTP/1.x request targets and {@code Host} follow RFC 9112 §3.2 ({@code RequestTarget}, a pure function):
 * 400 for a missing or repeated {@code Host}; an absolute-form target is routed by its authority and sent upstream
 * in origin-form. {@code Expect: 100-continue} is answered by the proxy once a try is connected, any other
 * expectation is 417 ({@code ExpectHeader}, a pure function), and an answer that closes the connection serves
 * nothing pipelined behind it (docs/design.md).
 *
 * <p>Limits (issue 14; all of them, with reasons, in docs/limits.md): a listener's {@code request_headers_timeout}
 * and {@code max_connections} ({@link dev.gossamer.proxy.ListenerSpec}, enforced by {@code ListenerGuard} on Netty's
 * pipelines), and a cluster's circuit breakers ({@link dev.gossamer.proxy.CircuitBreakers}: {@code max_requests} in
 * {@code Exchange}, {@code max_connections} and {@code max_pending_requests} in the {@code Upstream}s,
 * {@code max_retries} with the retry budget); an overflow is a 503 that no endpoint is charged for.
 */
package dev.gossamer.proxy;
