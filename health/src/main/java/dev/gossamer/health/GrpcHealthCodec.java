package dev.gossamer.health;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * The two messages of grpc's health checking protocol ({@code grpc/health/v1/health.proto}) in gRPC's
 * length-prefixed framing, with protobuf-java's coded streams: {@code HealthCheckRequest { string service = 1; }}
 * and {@code HealthCheckResponse { ServingStatus status = 1; }} (UNKNOWN 0, SERVING 1, NOT_SERVING 2,
 * SERVICE_UNKNOWN 3). Stateless.
 *
 * <p>Example: service {@code "orders"} → frame {@code 00 00000008 0a 06 6f72646572 73}; a response frame
 * {@code 00 00000002 08 01} → SERVING.
 */
final class GrpcHealthCodec {

    static final String PATH = "/grpc.health.v1.Health/Check";
    static final int SERVING = 1;
    private static final String[] STATUS_NAMES = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

    private GrpcHealthCodec() {
    }

    /** A request for {@code service} as one uncompressed gRPC frame. */
    static Buffer request(String service) {
        int size = service.isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, service);
        byte[] out = new byte[5 + size];
        out[1] = (byte) (size >>> 24);
        out[2] = (byte) (size >>> 16);
        out[3] = (byte) (size >>> 8);
        out[4] = (byte) size;
        if (size > 0) {
            CodedOutputStream o = CodedOutputStream.newInstance(out, 5, size);
            try {
                o.writeString(1, service);
                o.checkNoSpaceLeft();
            } catch (IOException e) {
                throw new IllegalStateException("protobuf sized the message itself", e);
            }
        }
        return Buffer.buffer(out);
    }

    /**
     * The serving status in a response body (one gRPC frame); -1 when the body is not one uncompressed frame
     * holding a HealthCheckResponse.
     */
    static int status(Buffer body) {
        if (body.length() < 5 || body.getByte(0) != 0) {
            return -1; // compressed frames are never asked for: the probe sends no grpc-accept-encoding
        }
        long len = body.getUnsignedInt(1);
        if (len != body.length() - 5) {
            return -1;
        }
        CodedInputStream in = CodedInputStream.newInstance(body.getBytes(5, body.length()));
        int status = 0; // proto3: an absent field is its zero value, UNKNOWN
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                    status = in.readEnum();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return status;
    }

    static String statusName(int status) {
        return status >= 0 && status < STATUS_NAMES.length ? STATUS_NAMES[status] : "status " + status;
    }
}
