package dev.gossamer.membership;

import java.util.List;

/** The protocol's messages (memberlist's names). Package-private wire vocabulary. */
sealed interface Message {

    int type();

    /** Direct probe of {@code target}; answered with {@link Ack}. */
    record Ping(int seq, String target, String source) implements Message {
        public int type() { return 1; }
    }

    /** Ask a helper to ping {@code target} for us; it answers Ack, or Nack when {@code wantNack} and no ack came. */
    record IndirectPing(int seq, String target, String targetAddress, boolean wantNack) implements Message {
        public int type() { return 2; }
    }

    record Ack(int seq) implements Message {
        public int type() { return 3; }
    }

    /** Lifeguard: the helper reached us but not the target, so our own network is probably fine. */
    record Nack(int seq) implements Message {
        public int type() { return 4; }
    }

    record Suspect(long incarnation, String node, String from) implements Message {
        public int type() { return 5; }
    }

    record Alive(long incarnation, String node, String address, Metadata metadata) implements Message {
        public int type() { return 6; }
    }

    /** {@code from.equals(node)} means a graceful leave (memberlist's convention). */
    record Dead(long incarnation, String node, String from) implements Message {
        public int type() { return 7; }
    }

    /** Full state for anti-entropy, sent over the stream transport. */
    record PushPull(boolean join, List<MemberRecord> members) implements Message {
        public int type() { return 8; }
    }

    record MemberRecord(String id, String address, long incarnation, MemberState state, Metadata metadata) {
    }
}
