package dev.gossamer.membership;

/**
 * An immutable snapshot of one member as this node sees it.
 *
 * @param id member id
 * @param address gossip address {@code host:port}
 * @param state alive, suspect, dead or left
 * @param incarnation the member's incarnation number (only the member itself raises it)
 * @param metadata zone, services and free fields
 * @param local true for this node itself
 * @param localHealth for the local node, the Lifeguard health multiplier (0 = healthy .. awareness max - 1); 0 for
 *     others
 */
public record Member(String id, String address, MemberState state, long incarnation, Metadata metadata,
                     boolean local, int localHealth) {

    /** The member's zone, from its metadata. */
    public String zone() {
        return metadata.zone();
    }
}
