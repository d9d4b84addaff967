package dev.gossamer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gossamer.proxy.FirstBytes.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FirstBytesTest {

    private static final int LIMIT = 64;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n                                   | HTTP2_PREFACE
            PRI * HTTP/2.0                                                         | HTTP2_PREFACE
            PRI *                                                                  | MORE
            P                                                                      | MORE
            GET / HTTP/1.1\\r\\nHost: a\\r\\n                                      | MORE
            GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n                                | HTTP1
            PUT / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\nbody                            | HTTP1
            GET / HTTP/1.1\\nHost: a\\n\\n                                         | HTTP1
            \\r\\nGET / HTTP/1.1\\r\\n\\r\\n                                       | HTTP1
            GET / HTTP/1.1\\r\\nUpgrade: h2c\\r\\n\\r\\n                           | H2C_UPGRADE
            GET / HTTP/1.1\\r\\nupgrade:H2C\\r\\n\\r\\n                            | H2C_UPGRADE
            GET / HTTP/1.1\\r\\nUPGRADE: websocket, h2c\\r\\n\\r\\n                | H2C_UPGRADE
            GET / HTTP/1.1\\r\\nUpgrade: websocket\\r\\n\\r\\n                     | HTTP1
            GET / HTTP/1.1\\r\\nUpgrade: h2cx\\r\\n\\r\\n                          | HTTP1
            GET / HTTP/1.1\\r\\nX-Upgrade: h2c\\r\\n\\r\\n                         | HTTP1
            GET /h2c HTTP/1.1\\r\\nHost: h2c\\r\\n\\r\\n                           | HTTP1
            GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\nGET / HTTP/1.1\\r\\nUpgrade: h2c | HTTP1
            GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | HTTP1
            """)
    void classifies(String text, Verdict expected) {
        ByteBuf b = Unpooled.copiedBuffer(text.replace("\\r", "\r").replace("\\n", "\n"),
                StandardCharsets.ISO_8859_1);
        int reader = b.readerIndex();
        assertThat(FirstBytes.classify(b, LIMIT)).isEqualTo(expected);
        assertThat(b.readerIndex()).as("the bytes are only looked at").isEqualTo(reader);
    }
}
