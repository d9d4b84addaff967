package dev.gossamer.proxy;

import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.Context;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link Upstream} over Vert.x's HTTP client and its per-endpoint pool: used for HTTP/2 endpoints, where Vert.x
 * multiplexes streams on a connection. The client calls back on the context that issued the request.
 */
final class VertxUpstream implements Upstream {

    private final HttpClientAgent client;

    VertxUpstream(HttpClientAgent client) {
        this.client = client;
    }

    @Override
    public void open(Context ctx, SocketAddress server, HttpMethod method, String uri, Listener l) {
        client.request(new RequestOptions().setServer(server).setMethod(method).setURI(uri)).onComplete(ar -> {
            if (ar.succeeded()) {
                l.onOpen(new VertxCall(ar.result(), l));
            } else if (ar.cause() instanceof ConnectionPoolTooBusyException) {
                // The endpoint's wait queue (PoolOptions.maxWaitQueueSize, the cluster's max_pending_requests) is full.
                l.onConnectFailure(BreakerOverflow.MAX_PENDING_REQUESTS);
            } else {
                l.onConnectFailure(ar.cause());
            }
        });
    }

    @Override
    public Future<Void> shutdown(Duration grace) {
        return client.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }

    private static final class VertxCall implements Call {
        private final HttpClientRequest req;
        private final Listener l;
        private HttpClientResponse resp;
        private boolean ended;
        private boolean gone; // discarded or reset: the listener hears nothing more

        VertxCall(HttpClientRequest req, Listener l) {
            this.req = req;
            this.l = l;
            req.exceptionHandler(t -> {
                if (!gone) {
                    l.onReset(t);
                }
            });
            req.response().onComplete(ar -> {
                if (gone) {
                    if (ar.succeeded()) {
                        ar.result().request().reset();
                    }
                    return;
                }
                if (ar.failed()) {
                    l.onReset(ar.cause());
                    return;
                }
                HttpClientResponse r = ar.result();
                resp = r;
                r.handler(b -> {
                    if (!gone) {
                        l.onData(b);
                    }
                });
                r.exceptionHandler(t -> {
                    if (!gone) {
                        l.onReset(t);
                    }
                });
                r.endHandler(v -> {
                    if (!gone) {
                        l.onEnd(r.trailers());
                    }
                });
                l.onResponse(r.statusCode(), r.statusMessage(), r.headers(), r.version() == HttpVersion.HTTP_2);
            });
        }

        @Override
        public MultiMap headers() {
            return req.headers();
        }

        @Override
        public void authority(HostAndPort authority, String text) {
            req.authority(authority);
        }

        @Override
        public void chunked() {
            // Vert.x 5 asks for chunked (or a Content-Length) before a body is written, on HTTP/2 too (issue 15:
            // every gRPC call failed with 502); for HTTP/2 it sends DATA frames and no Transfer-Encoding.
            req.setChunked(true);
        }

        @Override
        public void write(io.vertx.core.buffer.Buffer chunk) {
            // The chunk's ByteBuf is given (Upstream.Call#write): a pooled one goes to Vert.x as a heap copy.
            req.write(VertxInternals.take(VertxInternals.unwrap(chunk)));
        }

        @Override
        public void end(MultiMap trailers) {
            ended = true;
            req.end(); // Vert.x's client request has no trailers to set: an HTTP/2 endpoint gets none
        }

        @Override
        public boolean writeQueueFull() {
            return req.writeQueueFull();
        }

        @Override
        public void drainHandler(Runnable onDrain) {
            req.drainHandler(v -> onDrain.run());
        }

        @Override
        public void pauseResponse() {
            if (resp != null) {
                resp.pause();
            }
        }

        @Override
        public void resumeResponse() {
            if (resp != null) {
                resp.resume();
            }
        }

        @Override
        public void discard() {
            // A complete request: read and drop the rest, so the keep-alive connection goes back to the pool.
            abandon(ended && resp != null);
        }

        @Override
        public void reset() {
            abandon(false);
        }

        private void abandon(boolean drain) {
            if (gone) {
                return;
            }
            gone = true;
            if (drain) {
                resp.resume();
            } else {
                req.reset();
            }
        }
    }
}
