package dev.gossamer.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.x server codec of {@link H1Connection}: Netty's request decoder and response encoder (the parsing and
 * the writing stay Netty's), paired as Netty's {@code HttpServerCodec} pairs them, with fewer objects per request.
 *
 * <p><b>Fewer objects per request head.</b> Netty's request decoder answers five names ({@code Host},
 * {@code Accept}, {@code Connection}, {@code Content-Type}, {@code Content-Length}), {@code GET}, {@code POST} and
 * {@code HTTP/1.x} with constants and makes a new string for everything else: a client's {@code User-Agent},
 * {@code Accept-Encoding}, {@code Authorization}, {@code traceparent} and the like cost a name (an
 * {@code AsciiString} and its bytes) each on every request. Here the names of {@link #NAMES} (as listed or in lower
 * case) and every standard method are constants too, and a request-target with the same bytes as the connection's
 * previous one is that same string (a keep-alive client mostly asks for the same few paths). A constant is taken only
 * for exactly its bytes, so what the endpoint receives is byte for byte what the client sent. Header values stay
 * Netty's (its decoder makes them in a private method).
 *
 * <p><b>What {@code HttpServerCodec} does beside its decoder and encoder</b>, which is {@code final} and builds its
 * decoder itself, so it is done here as Netty 4.2 does it: the method of each request decoded is queued until its
 * response, so that a response to {@code HEAD} is written without a body and a {@code 2xx} to {@code CONNECT}
 * without {@code Transfer-Encoding} (an informational {@code 1xx} answers no request of its own); more than
 * {@link #MAX_PIPELINE_DEPTH} requests waiting for their responses fail the decoding (the connection closes); and a
 * request with both {@code Transfer-Encoding: chunked} and {@code Content-Length} (a smuggling attempt, RFC 9112
 * §6.3) closes the connection after its response. {@code H1ConnectionTest}'s and {@code H1ServerCodecTest}'s cases
 * hold both codecs to the same bytes.
 *
 * <p>Threading: one instance per connection, confined to its event loop.
 */
final class H1ServerCodec
        extends CombinedChannelDuplexHandler<H1ServerCodec.RequestDecoder, H1ServerCodec.ResponseEncoder> {

    /** Requests decoded and not yet answered, at most: {@code HttpServerCodec}'s default. */
    static final int MAX_PIPELINE_DEPTH = 128;
    /** The names of common request fields (and the same in lower case) as constants. */
    static final KnownNames NAMES = new KnownNames(
        "Host", "Accept", "Accept-Encoding", "Accept-Language", "Accept-Charset", "User-Agent", "Connection",
        "Keep-Alive", "Content-Type", "Content-Length", "Content-Encoding", "Transfer-Encoding", "TE", "Trailer",
        "Upgrade", "Expect", "Authorization", "Proxy-Authorization", "Cookie", "Cache-Control", "Pragma", "Referer",
        "Origin", "Date", "Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
        "If-Range", "Via", "Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
        "X-Forwarded-Port", "X-Real-IP", "X-Request-Id", "X-Request-ID", "X-Correlation-Id", "X-Requested-With",
        "X-Api-Key", "traceparent", "tracestate", "baggage", "b3", "X-B3-TraceId", "X-B3-SpanId",
        "X-B3-ParentSpanId", "X-B3-Sampled", "X-Amzn-Trace-Id", "X-Cloud-Trace-Context", "grpc-timeout",
        "grpc-encoding", "grpc-accept-encoding", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Priority", "DNT", "Sec-Fetch-Mode", "Sec-Fetch-Site",
        "Sec-Fetch-Dest", "Sec-Fetch-User", "Upgrade-Insecure-Requests");
    /** Netty's method constants by their names: {@code HttpMethod.valueOf} answers these names with them. */
    private static final HttpMethod[] METHODS = {
        HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS,
        HttpMethod.PATCH, HttpMethod.CONNECT, HttpMethod.TRACE,
    };

    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4); // of requests decoded, not yet answered
    private boolean closeAfterResponse; // the next response's end closes the connection

    H1ServerCodec(HttpDecoderConfig config) {
        init(new RequestDecoder(config), new ResponseEncoder());
    }

    /** Netty's request decoder with more constants, queueing each request's method for its response. */
    final class RequestDecoder extends HttpRequestDecoder {

        private boolean discard; // the pipeline depth was exceeded: nothing more is read
        private String lastTarget; // the previous request-target on this connection

        RequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (discard) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest req) {
                    if (methods.size() >= MAX_PIPELINE_DEPTH) {
                        closeAfterResponse = true;
                        discard = true;
                        for (int j = before; j < out.size(); j++) {
                            ReferenceCountUtil.release(out.get(j));
                        }
                        out.subList(before, out.size()).clear();
                        throw new IllegalStateException("maxPipelineDepth exceeded: " + MAX_PIPELINE_DEPTH);
                    }
                    methods.add(req.method());
                }
            }
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            super.handleTransferEncodingChunkedWithContentLength(message);
            closeAfterResponse = true;
        }

        @Override
        protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
            AsciiString known = NAMES.find(sb, start, length);
            return known != null ? known : super.splitHeaderName(sb, start, length);
        }

        @Override
        protected String splitFirstWordInitialLine(byte[] sb, int start, int length) {
            for (HttpMethod m : METHODS) {
                if (KnownNames.same(m.name(), sb, start, length)) {
                    return m.name();
                }
            }
            return super.splitFirstWordInitialLine(sb, start, length);
        }

        @Override
        protected String splitSecondWordInitialLine(byte[] sb, int start, int length) {
            String last = lastTarget;
            if (last != null && KnownNames.same(last, sb, start, length)) {
                return last;
            }
            return lastTarget = super.splitSecondWordInitialLine(sb, start, length);
        }
    }

    /** Netty's response encoder, told by the queue which request each response answers. */
    final class ResponseEncoder extends HttpResponseEncoder {

        private HttpMethod method; // of the request the response being written answers

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (closeAfterResponse && msg instanceof LastHttpContent) {
                closeAfterResponse = false;
                promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method)
                    && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                // A 2xx to CONNECT starts a tunnel: no Transfer-Encoding (RFC 9110 §9.3.6)
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // a 1xx is followed by the response to the same request
            }
            method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
