package dev.gossamer.control;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who leads the Raft group and how each voter is doing, as {@code GET /admin/leader} shows it:
 * {@code {"leader": "n2", "term": 7, "voters": [{"id", "address", "role", "last_index"}]}}. Each voter answers for
 * itself; one that does not answer is {@link Role#UNREACHABLE}.
 *
 * @param leader the leader's id, empty while an election runs or when no voter answered
 * @param term   the leader's term (else the highest term any voter's log holds); 0 when unknown
 * @param voters every configured voter, in configuration order
 */
public record LeaderInfo(Optional<String> leader, long term, List<VoterStatus> voters) {

    public LeaderInfo {
        Objects.requireNonNull(leader, "leader");
        voters = List.copyOf(voters);
    }

    /** A voter's role as it reports it. */
    public enum Role { LEADER, FOLLOWER, CANDIDATE, OTHER, UNREACHABLE }

    /**
     * One voter.
     *
     * @param id        node id
     * @param address   {@code host:port} of its Raft port
     * @param role      its role, or {@link Role#UNREACHABLE}
     * @param lastIndex the index of the last entry in its log; -1 when unknown
     */
    public record VoterStatus(String id, String address, Role role, long lastIndex) {
        public VoterStatus {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(role, "role");
        }
    }
}
