package dev.gossamer.control;

import java.util.List;

/**
 * How the leader refuses a write before the log: Ratis carries a state machine's exception to the client by class
 * name and message, so the problems travel in the message (one per line, escaped) and the client turns them back
 * into a {@link WriteResult.Rejected}. Callers of this module never see it.
 */
public final class ConfigRejectedException extends java.io.IOException {

    private static final long serialVersionUID = 1L;

    /** For Ratis, which rebuilds the exception on the client from its message. */
    public ConfigRejectedException(String encodedProblems) {
        super(encodedProblems);
    }

    static ConfigRejectedException of(List<String> problems) {
        return new ConfigRejectedException(Codec.encodeProblems(problems));
    }

    /** The problems, decoded. */
    List<String> problems() {
        List<String> p = Codec.decodeProblems(getMessage());
        return p.isEmpty() ? List.of("rejected by the leader (no reason given)") : p;
    }
}
