package dev.gossamer.config;

import java.util.Locale;

/**
 * The names of the gossip (SWIM) defaults profiles, as in HashiCorp memberlist's DefaultLANConfig,
 * DefaultWANConfig and DefaultLocalConfig. Only the names live here: the values, each with its reason, are the
 * membership module's ({@code MembershipOptions.lan()}, {@code wan()}, {@code local()}).
 */
public enum MembershipProfile {
    /** A data-centre network: sub-millisecond RTTs, rare loss. */
    LAN,
    /** Across regions: slower probes, longer timeouts, more suspicion. */
    WAN,
    /** One host or a test bed: fast, tolerant of little. */
    LOCAL;

    /** The YAML spelling: {@code lan}, {@code wan}, {@code local}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
