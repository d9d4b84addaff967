package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9112 §3.2 as {@link RequestTarget#http1} applies it: one row per case, no sockets. */
class RequestTargetTest {

    /** {@code hosts}: the Host lines separated by '|', "-" for none; expected authority "-" for none. */
    @ParameterizedTest(name = "{0} {1} Host={2} → {3}")
    @CsvSource(delimiter = ';', value = {
        // version; target; Host lines; problem; authority; upstream target; path
        "1.1; /x?q=1;                  orders;          ;                       orders;          /x?q=1;          /x",
        "1.1; /x;                      orders:8080;     ;                       orders:8080;     /x;              /x",
        "1.1; /x;                      [::1]:8080;      ;                       [::1]:8080;      /x;              /x",
        "1.1; /x;                      -;               missing Host;           ;                ;                ",
        "1.0; /x;                      -;               ;                       -;               /x;              /x",
        "1.1; /x;                      a|b;             duplicate Host;         ;                ;                ",
        "1.0; /x;                      a|a;             duplicate Host;         ;                ;                ",
        "1.1; /x;                      a b;             invalid Host;           ;                ;                ",
        "1.1; /x;                      a:port;          invalid Host;           ;                ;                ",
        "1.1; /x;                      a/b;             invalid Host;           ;                ;                ",
        "1.1; /x;                      a:080;           invalid Host;           ;                ;                ",
        "1.1; /x;                      a:;              invalid Host;           ;                ;                ",
        "1.1; http://other/x?q=1;      orders;          ;                       other;           /x?q=1;          /x",
        "1.1; HTTP://other:8080/x;     orders;          ;                       other:8080;      /x;              /x",
        "1.1; https://other;           orders;          ;                       other;           /;               /",
        "1.1; http://other?q;          orders;          ;                       other;           /?q;             /",
        "1.1; http://other/x#frag;     orders;          ;                       other;           /x;              /x",
        "1.1; http://other/x;          -;               missing Host;           ;                ;                ",
        "1.1; http://other/x;          a|b;             duplicate Host;         ;                ;                ",
        "1.0; http://other/x;          -;               ;                       other;           /x;              /x",
        "1.1; http://user@other/x;     orders;          invalid request target; ;                ;                ",
        "1.1; http:///x;               orders;          invalid request target; ;                ;                ",
        "1.1; ftp://other/x;           orders;          invalid request target; ;                ;                ",
        "1.1; other/x;                 orders;          invalid request target; ;                ;                ",
        "1.1; *;                       orders;          ;                       orders;          *;               ",
    })
    void readsTheTargetOrRefusesIt(String version, String target, String hosts, String problem, String authority,
                                   String upstream, String path) {
        List<String> hostLines = hosts.equals("-") ? List.of() : Arrays.asList(hosts.split("\\|"));
        String parsedPath = target.startsWith("/") ? target.split("\\?")[0] : null; // what Vert.x hands over
        RequestTarget t = RequestTarget.http1(version.equals("1.1"), target, parsedPath, hostLines);
        assertThat(t.problem()).isEqualTo(problem);
        if (problem != null) {
            assertThat(t.authority()).isNull();
            assertThat(t.uri()).isNull();
            return;
        }
        String a = t.authority() == null ? "-"
                : t.authority().port() >= 0 ? t.authority().host() + ":" + t.authority().port() : t.authority().host();
        assertThat(a).isEqualTo(authority);
        assertThat(t.uri()).isEqualTo(upstream);
        assertThat(t.path()).isEqualTo(path);
    }

    /** A thread answers a repeated Host from its last parse: the same answer as parsing it, whatever came between. */
    @Test
    void aRepeatedHostIsReadAsItWasTheFirstTime() {
        List<String> sequence = List.of("orders:8080", "orders:8080", "a b", "orders:8080", "Orders:8080", "a:080",
                "payments", "orders:8080", "a:080", "a:080");
        for (String host : sequence) {
            RequestTarget t = RequestTarget.http1(true, "/x", "/x", List.of(host));
            switch (host) {
                case "a b", "a:080" -> assertThat(t.problem()).as(host).isEqualTo("invalid Host");
                case "payments" -> assertThat(t.authority().host() + ":" + t.authority().port())
                        .isEqualTo("payments:-1");
                default -> assertThat(t.authority().host() + ":" + t.authority().port()).isEqualTo(host);
            }
        }
        RequestTarget first = RequestTarget.http1(true, "/x", "/x", List.of("orders:8080"));
        RequestTarget again = RequestTarget.http1(true, "/y", "/y", List.of("orders:8080"));
        assertThat(again.authority()).isEqualTo(first.authority());
        assertThat(again.uri()).isEqualTo("/y");
    }
}
