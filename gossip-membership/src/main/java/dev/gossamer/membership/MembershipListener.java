package dev.gossamer.membership;

/**
 * Receives membership changes. Called on the membership's thread (the Vert.x event loop of {@link Membership},
 * or the simulation thread); implementations must be quick and must not block.
 */
@FunctionalInterface
public interface MembershipListener {
    void onEvent(MembershipEvent event);
}
