package dev.gossamer.membership;

/**
 * What this node believes about a member. Transitions follow SWIM: {@code ALIVE → SUSPECT → DEAD}, a refutation
 * (higher incarnation) brings a suspect back to {@code ALIVE}, and {@code LEFT} is a graceful departure. Dead and
 * left members stay as tombstones for {@link MembershipOptions#tombstoneTimeout()} so stale messages cannot
 * resurrect them.
 */
public enum MemberState {
    ALIVE(0), SUSPECT(1), DEAD(2), LEFT(3);

    final int code;

    MemberState(int code) {
        this.code = code;
    }

    /** True for {@code DEAD} and {@code LEFT}. */
    public boolean isGone() {
        return this == DEAD || this == LEFT;
    }

    static MemberState ofCode(int code) {
        return switch (code) {
            case 0 -> ALIVE;
            case 1 -> SUSPECT;
            case 2 -> DEAD;
            case 3 -> LEFT;
            default -> null;
        };
    }
}
