package dev.gossamer.proxy;

import com.google.protobuf.ByteString;
import dev.gossamer.balancer.Endpoint;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * grpc's interop {@code grpc.testing.TestService} (grpc's {@code doc/interop-test-descriptions.md}) for grpc-java,
 * without generated code: {@code grpc-interop-testing}, which carries the generated classes, is not published to
 * Maven Central, and {@code grpc-testing-proto} holds only {@code SimpleService}. So the messages are described
 * here with the field names and numbers of grpc's {@code src/proto/grpc/testing/messages.proto} (the fields the
 * cases use) and carried as protobuf {@link DynamicMessage}s, which encode to the same bytes as generated classes;
 * the methods keep their real full names ({@code /grpc.testing.TestService/UnaryCall}), so any gRPC client of the
 * interop service, grpcio included, can call this server.
 *
 * <p>The server ({@link Backend}) behaves as grpc-java's {@code TestServiceImpl} for what the cases ask: payloads of
 * the requested sizes, {@code response_status} echoed as the call's status, {@code interval_us} between streamed
 * responses, {@code x-grpc-test-echo-initial} echoed in the headers and {@code x-grpc-test-echo-trailing-bin} in the
 * trailers. It also fills {@code server_id} (so a test sees which endpoint answered), records the deadline each
 * call arrived with, and can be told to fail every call ({@link Backend#failWith}).
 */
final class InteropService {

    static final String SERVICE = "grpc.testing.TestService";
    static final Descriptors.Descriptor EMPTY;
    static final Descriptors.Descriptor PAYLOAD;
    static final Descriptors.Descriptor ECHO_STATUS;
    static final Descriptors.Descriptor SIMPLE_REQUEST;
    static final Descriptors.Descriptor SIMPLE_RESPONSE;
    static final Descriptors.Descriptor STREAMING_INPUT_REQUEST;
    static final Descriptors.Descriptor STREAMING_INPUT_RESPONSE;
    static final Descriptors.Descriptor RESPONSE_PARAMETERS;
    static final Descriptors.Descriptor STREAMING_OUTPUT_REQUEST;
    static final Descriptors.Descriptor STREAMING_OUTPUT_RESPONSE;

    static final Metadata.Key<String> ECHO_INITIAL =
            Metadata.Key.of("x-grpc-test-echo-initial", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<byte[]> ECHO_TRAILING =
            Metadata.Key.of("x-grpc-test-echo-trailing-bin", Metadata.BINARY_BYTE_MARSHALLER);

    static {
        FileDescriptorProto empty = FileDescriptorProto.newBuilder().setName("grpc/testing/empty.proto")
                .setPackage("grpc.testing").setSyntax("proto3")
                .addMessageType(DescriptorProto.newBuilder().setName("Empty")).build();
        FileDescriptorProto messages = FileDescriptorProto.newBuilder().setName("grpc/testing/messages.proto")
                .setPackage("grpc.testing").setSyntax("proto3")
                .addMessageType(message("Payload", scalar("body", 2, FieldDescriptorProto.Type.TYPE_BYTES)))
                .addMessageType(message("EchoStatus", scalar("code", 1, FieldDescriptorProto.Type.TYPE_INT32),
                        scalar("message", 2, FieldDescriptorProto.Type.TYPE_STRING)))
                .addMessageType(message("SimpleRequest",
                        scalar("response_size", 2, FieldDescriptorProto.Type.TYPE_INT32),
                        nested("payload", 3, "Payload", false),
                        nested("response_status", 7, "EchoStatus", false)))
                .addMessageType(message("SimpleResponse", nested("payload", 1, "Payload", false),
                        scalar("server_id", 4, FieldDescriptorProto.Type.TYPE_STRING)))
                .addMessageType(message("StreamingInputCallRequest", nested("payload", 1, "Payload", false)))
                .addMessageType(message("StreamingInputCallResponse",
                        scalar("aggregated_payload_size", 1, FieldDescriptorProto.Type.TYPE_INT32)))
                .addMessageType(message("ResponseParameters",
                        scalar("size", 1, FieldDescriptorProto.Type.TYPE_INT32),
                        scalar("interval_us", 2, FieldDescriptorProto.Type.TYPE_INT32)))
                .addMessageType(message("StreamingOutputCallRequest",
                        nested("response_parameters", 2, "ResponseParameters", true),
                        nested("payload", 3, "Payload", false),
                        nested("response_status", 7, "EchoStatus", false)))
                .addMessageType(message("StreamingOutputCallResponse", nested("payload", 1, "Payload", false)))
                .build();
        try {
            Descriptors.FileDescriptor e = Descriptors.FileDescriptor.buildFrom(empty,
                    new Descriptors.FileDescriptor[0]);
            Descriptors.FileDescriptor m = Descriptors.FileDescriptor.buildFrom(messages,
                    new Descriptors.FileDescriptor[0]);
            EMPTY = e.findMessageTypeByName("Empty");
            PAYLOAD = m.findMessageTypeByName("Payload");
            ECHO_STATUS = m.findMessageTypeByName("EchoStatus");
            SIMPLE_REQUEST = m.findMessageTypeByName("SimpleRequest");
            SIMPLE_RESPONSE = m.findMessageTypeByName("SimpleResponse");
            STREAMING_INPUT_REQUEST = m.findMessageTypeByName("StreamingInputCallRequest");
            STREAMING_INPUT_RESPONSE = m.findMessageTypeByName("StreamingInputCallResponse");
            RESPONSE_PARAMETERS = m.findMessageTypeByName("ResponseParameters");
            STREAMING_OUTPUT_REQUEST = m.findMessageTypeByName("StreamingOutputCallRequest");
            STREAMING_OUTPUT_RESPONSE = m.findMessageTypeByName("StreamingOutputCallResponse");
        } catch (Descriptors.DescriptorValidationException ex) {
            throw new ExceptionInInitializerError(ex);
        }
    }

    static final MethodDescriptor<DynamicMessage, DynamicMessage> EMPTY_CALL =
            method("EmptyCall", MethodDescriptor.MethodType.UNARY, EMPTY, EMPTY);
    static final MethodDescriptor<DynamicMessage, DynamicMessage> UNARY_CALL =
            method("UnaryCall", MethodDescriptor.MethodType.UNARY, SIMPLE_REQUEST, SIMPLE_RESPONSE);
    static final MethodDescriptor<DynamicMessage, DynamicMessage> STREAMING_OUTPUT_CALL =
            method("StreamingOutputCall", MethodDescriptor.MethodType.SERVER_STREAMING, STREAMING_OUTPUT_REQUEST,
                    STREAMING_OUTPUT_RESPONSE);
    static final MethodDescriptor<DynamicMessage, DynamicMessage> STREAMING_INPUT_CALL =
            method("StreamingInputCall", MethodDescriptor.MethodType.CLIENT_STREAMING, STREAMING_INPUT_REQUEST,
                    STREAMING_INPUT_RESPONSE);
    static final MethodDescriptor<DynamicMessage, DynamicMessage> FULL_DUPLEX_CALL =
            method("FullDuplexCall", MethodDescriptor.MethodType.BIDI_STREAMING, STREAMING_OUTPUT_REQUEST,
                    STREAMING_OUTPUT_RESPONSE);
    /** Not registered on the server: the unimplemented_method case. */
    static final MethodDescriptor<DynamicMessage, DynamicMessage> UNIMPLEMENTED_CALL =
            method("UnimplementedCall", MethodDescriptor.MethodType.UNARY, EMPTY, EMPTY);

    private InteropService() {
    }

    // ---- messages ----

    static DynamicMessage empty() {
        return DynamicMessage.getDefaultInstance(EMPTY);
    }

    static DynamicMessage payload(int size) {
        return DynamicMessage.newBuilder(PAYLOAD).setField(field(PAYLOAD, "body"),
                ByteString.copyFrom(new byte[size])).build();
    }

    static DynamicMessage echoStatus(int code, String message) {
        return DynamicMessage.newBuilder(ECHO_STATUS).setField(field(ECHO_STATUS, "code"), code)
                .setField(field(ECHO_STATUS, "message"), message).build();
    }

    static DynamicMessage simpleRequest(int responseSize, int payloadSize) {
        return DynamicMessage.newBuilder(SIMPLE_REQUEST)
                .setField(field(SIMPLE_REQUEST, "response_size"), responseSize)
                .setField(field(SIMPLE_REQUEST, "payload"), payload(payloadSize)).build();
    }

    static DynamicMessage simpleRequestFailing(int code, String message) {
        return DynamicMessage.newBuilder(SIMPLE_REQUEST)
                .setField(field(SIMPLE_REQUEST, "response_status"), echoStatus(code, message)).build();
    }

    static DynamicMessage inputRequest(int payloadSize) {
        return DynamicMessage.newBuilder(STREAMING_INPUT_REQUEST)
                .setField(field(STREAMING_INPUT_REQUEST, "payload"), payload(payloadSize)).build();
    }

    /** A streaming-output request asking for one response per size, {@code intervalUs} apart. */
    static DynamicMessage outputRequest(int payloadSize, int intervalUs, int... sizes) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(STREAMING_OUTPUT_REQUEST);
        for (int s : sizes) {
            b.addRepeatedField(field(STREAMING_OUTPUT_REQUEST, "response_parameters"),
                    DynamicMessage.newBuilder(RESPONSE_PARAMETERS).setField(field(RESPONSE_PARAMETERS, "size"), s)
                            .setField(field(RESPONSE_PARAMETERS, "interval_us"), intervalUs).build());
        }
        if (payloadSize > 0) {
            b.setField(field(STREAMING_OUTPUT_REQUEST, "payload"), payload(payloadSize));
        }
        return b.build();
    }

    /** A streaming-output request asking for a response of {@code sizes[i]} bytes {@code intervalsUs[i]} later. */
    static DynamicMessage outputRequest(int[] sizes, int[] intervalsUs) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(STREAMING_OUTPUT_REQUEST);
        for (int i = 0; i < sizes.length; i++) {
            b.addRepeatedField(field(STREAMING_OUTPUT_REQUEST, "response_parameters"),
                    DynamicMessage.newBuilder(RESPONSE_PARAMETERS)
                            .setField(field(RESPONSE_PARAMETERS, "size"), sizes[i])
                            .setField(field(RESPONSE_PARAMETERS, "interval_us"), intervalsUs[i]).build());
        }
        return b.build();
    }

    static DynamicMessage outputRequestFailing(int code, String message) {
        return DynamicMessage.newBuilder(STREAMING_OUTPUT_REQUEST)
                .setField(field(STREAMING_OUTPUT_REQUEST, "response_status"), echoStatus(code, message)).build();
    }

    /** The size of the payload body in a message with a {@code payload} field. */
    static int payloadSize(DynamicMessage m) {
        Descriptors.FieldDescriptor f = field(m.getDescriptorForType(), "payload");
        if (!m.hasField(f)) {
            return 0;
        }
        DynamicMessage p = (DynamicMessage) m.getField(f);
        return ((ByteString) p.getField(field(PAYLOAD, "body"))).size();
    }

    static String serverId(DynamicMessage simpleResponse) {
        return (String) simpleResponse.getField(field(SIMPLE_RESPONSE, "server_id"));
    }

    static int aggregatedSize(DynamicMessage m) {
        return (Integer) m.getField(field(STREAMING_INPUT_RESPONSE, "aggregated_payload_size"));
    }

    static Descriptors.FieldDescriptor field(Descriptors.Descriptor d, String name) {
        return d.findFieldByName(name);
    }

    // ---- server ----

    /** One grpc-java server of the TestService on 127.0.0.1, port 0. */
    static final class Backend implements AutoCloseable {
        final String id;
        final Server server;
        final AtomicInteger calls = new AtomicInteger();
        /** The deadline each call arrived with (remaining nanos), or -1 without one; in arrival order. */
        final List<Long> deadlines = new CopyOnWriteArrayList<>();
        /** The metadata of every call, in arrival order. */
        final List<Metadata> metadata = new CopyOnWriteArrayList<>();
        /** When set, every call fails with this status at once (a trailers-only response). */
        volatile Status failWith;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        Backend(String id) throws IOException {
            this.id = id;
            ServerServiceDefinition def = ServerServiceDefinition.builder(SERVICE)
                    .addMethod(EMPTY_CALL, ServerCalls.asyncUnaryCall((req, out) -> {
                        out.onNext(empty());
                        out.onCompleted();
                    }))
                    .addMethod(UNARY_CALL, ServerCalls.asyncUnaryCall(this::unary))
                    .addMethod(STREAMING_OUTPUT_CALL, ServerCalls.asyncServerStreamingCall(this::streamOut))
                    .addMethod(STREAMING_INPUT_CALL, ServerCalls.asyncClientStreamingCall(this::streamIn))
                    .addMethod(FULL_DUPLEX_CALL, ServerCalls.asyncBidiStreamingCall(this::fullDuplex))
                    .build();
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(def, new Recorder(), new EchoMetadata()))
                    .build().start();
        }

        int port() {
            return server.getPort();
        }

        Endpoint endpoint() {
            return Endpoint.of("127.0.0.1", port());
        }

        private void unary(DynamicMessage req, StreamObserver<DynamicMessage> out) {
            Descriptors.FieldDescriptor st = field(SIMPLE_REQUEST, "response_status");
            if (req.hasField(st)) {
                out.onError(status((DynamicMessage) req.getField(st)).asRuntimeException());
                return;
            }
            int size = (Integer) req.getField(field(SIMPLE_REQUEST, "response_size"));
            out.onNext(DynamicMessage.newBuilder(SIMPLE_RESPONSE)
                    .setField(field(SIMPLE_RESPONSE, "payload"), payload(size))
                    .setField(field(SIMPLE_RESPONSE, "server_id"), id).build());
            out.onCompleted();
        }

        private void streamOut(DynamicMessage req, StreamObserver<DynamicMessage> out) {
            respond(req, out, true);
        }

        private StreamObserver<DynamicMessage> streamIn(StreamObserver<DynamicMessage> out) {
            return new StreamObserver<>() {
                int total;

                @Override
                public void onNext(DynamicMessage m) {
                    total += payloadSize(m);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onNext(DynamicMessage.newBuilder(STREAMING_INPUT_RESPONSE)
                            .setField(field(STREAMING_INPUT_RESPONSE, "aggregated_payload_size"), total).build());
                    out.onCompleted();
                }
            };
        }

        private StreamObserver<DynamicMessage> fullDuplex(StreamObserver<DynamicMessage> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(DynamicMessage m) {
                    respond(m, out, false);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }

        /** Sends a response per response_parameters (interval_us apart, on a timer), or the response_status. */
        private void respond(DynamicMessage req, StreamObserver<DynamicMessage> out, boolean complete) {
            Descriptors.FieldDescriptor st = field(STREAMING_OUTPUT_REQUEST, "response_status");
            if (req.hasField(st)) {
                out.onError(status((DynamicMessage) req.getField(st)).asRuntimeException());
                return;
            }
            Descriptors.FieldDescriptor params = field(STREAMING_OUTPUT_REQUEST, "response_parameters");
            int n = req.getRepeatedFieldCount(params);
            long delayUs = 0;
            for (int i = 0; i < n; i++) {
                DynamicMessage p = (DynamicMessage) req.getRepeatedField(params, i);
                int size = (Integer) p.getField(field(RESPONSE_PARAMETERS, "size"));
                delayUs += (Integer) p.getField(field(RESPONSE_PARAMETERS, "interval_us"));
                boolean last = i == n - 1;
                Runnable send = () -> {
                    synchronized (out) {
                        out.onNext(DynamicMessage.newBuilder(STREAMING_OUTPUT_RESPONSE)
                                .setField(field(STREAMING_OUTPUT_RESPONSE, "payload"), payload(size)).build());
                        if (last && complete) {
                            out.onCompleted();
                        }
                    }
                };
                if (delayUs == 0) {
                    send.run();
                } else {
                    Context ctx = Context.current();
                    timer.schedule(() -> {
                        if (!ctx.isCancelled()) {
                            send.run();
                        }
                    }, delayUs, TimeUnit.MICROSECONDS);
                }
            }
            if (n == 0 && complete) {
                out.onCompleted();
            }
        }

        private static Status status(DynamicMessage echo) {
            return Status.fromCodeValue((Integer) echo.getField(field(ECHO_STATUS, "code")))
                    .withDescription((String) echo.getField(field(ECHO_STATUS, "message")));
        }

        /** Counts calls, records deadlines and metadata; fails the call when {@link #failWith} is set. */
        private final class Recorder implements ServerInterceptor {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                Deadline d = Context.current().getDeadline();
                deadlines.add(d == null ? -1L : d.timeRemaining(TimeUnit.NANOSECONDS));
                metadata.add(headers);
                calls.incrementAndGet();
                Status fail = failWith;
                if (fail != null) {
                    call.close(fail, new Metadata());
                    return new ServerCall.Listener<>() { };
                }
                return next.startCall(call, headers);
            }
        }

        @Override
        public void close() throws InterruptedException {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            timer.shutdownNow();
        }
    }

    /** x-grpc-test-echo-initial back in the headers, x-grpc-test-echo-trailing-bin in the trailers. */
    private static final class EchoMetadata implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            String initial = headers.get(ECHO_INITIAL);
            byte[] trailing = headers.get(ECHO_TRAILING);
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendHeaders(Metadata h) {
                    if (initial != null) {
                        h.put(ECHO_INITIAL, initial);
                    }
                    super.sendHeaders(h);
                }

                @Override
                public void close(Status status, Metadata trailers) {
                    if (trailing != null) {
                        trailers.put(ECHO_TRAILING, trailing);
                    }
                    super.close(status, trailers);
                }
            }, headers);
        }
    }

    // ---- descriptor building ----

    private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
        DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(name);
        for (FieldDescriptorProto f : fields) {
            b.addField(f);
        }
        return b.build();
    }

    private static FieldDescriptorProto scalar(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
    }

    private static FieldDescriptorProto nested(String name, int number, String type, boolean repeated) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(".grpc.testing." + type)
                .setLabel(repeated ? FieldDescriptorProto.Label.LABEL_REPEATED
                        : FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
    }

    private static MethodDescriptor<DynamicMessage, DynamicMessage> method(
            String name, MethodDescriptor.MethodType type, Descriptors.Descriptor in, Descriptors.Descriptor out) {
        return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(in)))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(out)))
                .build();
    }
}
