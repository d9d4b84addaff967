package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, finding 6: the request-target and {@code Host} rules of RFC 9112 §3.2 on the wire, with a raw socket
 * client (a real client library would never send these requests).
 */
class Http11TargetIT extends ProxyTestBase {

    private Backend orders;
    private Backend other;
    private DataPlane plane;

    @BeforeEach
    void setUp() {
        orders = backend("orders");
        other = backend("other");
        plane = startPlane(List.of(route("o", RouteMatch.ANY.withAuthority("other"), "co"),
                        route("r", RouteMatch.ANY, "cr")),
                List.of(cluster("cr", orders.endpoint()), cluster("co", other.endpoint())));
    }

    /** Sends {@code request} raw and returns the response head's lines (status line first). */
    private List<String> exchange(String request) throws Exception {
        try (Socket s = new Socket(HOST, plane.boundPort("in"))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII));
            List<String> head = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null && !line.isEmpty()) {
                head.add(line.toLowerCase(java.util.Locale.ROOT));
            }
            return head;
        }
    }

    private void assertRefused(String request, String reason) throws Exception {
        List<String> head = exchange(request);
        assertThat(head).as("answer to %s", request).first().isEqualTo("http/1.1 400 bad request");
        assertThat(head).contains(Exchange.REASON + ": " + reason.toLowerCase(java.util.Locale.ROOT),
                "connection: close");
        try (Http11EdgeIT.Raw c = new Http11EdgeIT.Raw(plane)) {
            c.write(request);
            assertThat(c.read().status()).isEqualTo(400);
            c.assertClosed(); // the header is kept: nothing more is read from this connection
        }
        assertThat(orders.hits.get() + other.hits.get()).as("nothing forwarded").isZero();
    }

    @Test
    void anHttp11RequestWithoutHostIs400() throws Exception {
        assertRefused("GET /x HTTP/1.1\r\n\r\n", "missing Host");
    }

    @Test
    void twoHostLinesAre400AndTheConnectionIsClosed() throws Exception {
        assertRefused("GET /x HTTP/1.1\r\nHost: orders\r\nHost: other\r\n\r\n", "duplicate Host");
    }

    @Test
    void anInvalidHostIs400() throws Exception {
        assertRefused("GET /x HTTP/1.1\r\nHost: orders:port\r\n\r\n", "invalid Host");
    }

    @Test
    void anHttp10RequestMayOmitHost() throws Exception {
        assertThat(exchange("GET /x HTTP/1.0\r\n\r\n")).first().isEqualTo("http/1.0 200 ok");
        assertThat(orders.hits.get()).isEqualTo(1);
    }

    @Test
    void anAbsoluteFormTargetIsRoutedByItsAuthorityAndSentInOriginForm() throws Exception {
        List<String> head = exchange("GET http://other:8080/x?q=1 HTTP/1.1\r\nHost: orders\r\n\r\n");
        assertThat(head).first().isEqualTo("http/1.1 200 ok");
        assertThat(orders.hits.get()).as("the Host header is ignored (§3.2.2)").isZero();
        assertThat(other.hits.get()).isEqualTo(1);
        assertThat(other.requests.get(0).uri()).isEqualTo("/x?q=1");
        assertThat(other.headers.get(0).getAll("host")).containsExactly("other:8080");
        assertThat(other.headers.get(0).get("x-forwarded-host")).isEqualTo("other:8080");
    }

    @Test
    void anOriginFormTargetIsRoutedByHost() throws Exception {
        assertThat(exchange("GET /y HTTP/1.1\r\nHost: other\r\n\r\n")).first().isEqualTo("http/1.1 200 ok");
        assertThat(other.requests.get(0).uri()).isEqualTo("/y");
        assertThat(other.headers.get(0).getAll("host")).containsExactly("other");
    }
}
