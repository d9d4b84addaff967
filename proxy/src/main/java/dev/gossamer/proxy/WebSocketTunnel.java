package dev.gossamer.proxy;

import dev.gossamer.balancer.PickResult;
import dev.gossamer.vertx.VertxInternals;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;

/**
 * A WebSocket upgrade (HTTP/1.1 {@code Upgrade: websocket}) passed through to one endpoint: the upgrade request is
 * forwarded with the exchange's forwarding headers; a {@code 101} answer joins the two connections as a byte tunnel
 * that lives on its own; any other answer is forwarded as a plain response. The proxy never terminates WebSockets,
 * and a tunnel is never retried (the upgrade is not idempotent).
 *
 * <p>The exchange keeps the bookkeeping (the try, its outcome, the answer counted); this class only moves the
 * upgrade. Threading: on the exchange's event loop; every callback runs inside the exchange's exception boundary.
 */
final class WebSocketTunnel {

    private final Exchange ex;
    private HttpClientRequest upgrade; // the upgrade request to the endpoint, once sent

    WebSocketTunnel(Exchange ex) {
        this.ex = ex;
    }

    /** Picks an endpoint and sends it the upgrade. */
    void open() {
        ClusterState cluster = ex.cluster();
        if (cluster.protocol != Protocol.HTTP1) {
            ex.respondError(502, "websocket needs an http1 cluster");
            return;
        }
        PickResult r = cluster.picker().pick(ex.pickContext());
        if (!r.hasEndpoint()) {
            ex.respondError(503, "no healthy endpoint");
            return;
        }
        Exchange.Attempt a = ex.newAttempt(r.endpoint(), false);
        RequestOptions ro = new RequestOptions().setServer(cluster.address(a.ep)).setMethod(HttpMethod.GET)
                .setURI(ex.uri());
        cluster.client.request(ro).onComplete(ex.guard(ar -> {
            if (ar.failed()) {
                ex.onAttemptFailure(a, TryOutcome.CONNECT_FAILURE);
                return;
            }
            HttpClientRequest req = ar.result();
            if (ex.done()) {
                req.reset();
                return;
            }
            upgrade = req;
            a.reqEnded = true; // connect() sends the whole upgrade request
            ex.writeUpstreamHeaders(req.headers());
            req.headers().set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE).set(HttpHeaders.UPGRADE, "websocket");
            if (ex.authority() != null) {
                req.authority(ex.authority());
            }
            req.connect().onComplete(ex.guard(ar2 -> {
                if (ar2.failed()) {
                    ex.onAttemptFailure(a, TryOutcome.RESET);
                    return;
                }
                answered(a, ar2.result());
            }));
            ex.resumeInbound();
        }));
    }

    private void answered(Exchange.Attempt a, HttpClientResponse resp) {
        Downstream down = ex.downstream();
        ex.report(a, TryOutcome.ofStatus(resp.statusCode()));
        ex.markResponded();
        if (resp.statusCode() != 101) {
            ex.endAttempt(a);
            down.status(resp.statusCode(), null);
            Headers.copyEndToEnd(resp.headers(), down.responseHeaders(), false);
            resp.body().onComplete(ex.guard(b -> {
                down.end(b.succeeded() ? VertxInternals.unwrap(b.result()) : null);
                ex.finish(resp.statusCode());
            }));
            return;
        }
        down.status(101, null);
        down.responseHeaders().addAll(resp.headers());
        NetSocket up = resp.netSocket();
        down.tunnel(up).onComplete(ex.guard(ar -> {
            ex.endAttempt(a);
            if (ar.failed()) {
                up.close();
                ex.finish(502);
                return;
            }
            // The tunnel lives on its own; the exchange counts as answered with 101.
            ex.finish(101);
        }));
    }

    /** The client went away or the proxy failed: abandon the upgrade request, if one was sent. */
    void reset() {
        if (upgrade != null) {
            upgrade.reset();
        }
    }
}
