package dev.gossamer.membership;

/**
 * A change in the membership as seen by this node.
 *
 * @param type what happened
 * @param member the member after the change
 */
public record MembershipEvent(Type type, Member member) {

    /** Kinds of change. */
    public enum Type {
        /** A member appeared, or came back after being dead or left (with a higher incarnation). */
        JOINED,
        /** An alive member announced new metadata or a new address. */
        UPDATED,
        /** A member failed a probe and is suspected; it may still refute. */
        SUSPECTED,
        /** A suspected member refuted the suspicion and is alive again. */
        RECOVERED,
        /** A member was declared dead (suspicion timed out, or a dead message arrived). */
        FAILED,
        /** A member left gracefully. */
        LEFT,
        /** A tombstone of a dead or left member was forgotten. */
        REAPED
    }
}
