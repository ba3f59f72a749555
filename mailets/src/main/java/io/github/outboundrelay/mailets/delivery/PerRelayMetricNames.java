package io.github.outboundrelay.mailets.delivery;

import java.util.HashSet;
import java.util.Set;

/**
 * The relay host part of per-relay metric names ({@code outbound-relay-delivered-<host>}...). Relay host names are
 * chosen by users and every metric name lives as long as James: the first {@link #MAX_NAMED_RELAYS} hosts get metrics
 * of their own, any further one counts under {@link #OTHER_RELAYS} (the totals and the audit trail still name it).
 */
final class PerRelayMetricNames {
    static final int MAX_NAMED_RELAYS = 200;
    static final String OTHER_RELAYS = "other-relays";

    private final Set<String> named = new HashSet<>();

    synchronized String hostPart(String host) {
        if (named.contains(host) || (named.size() < MAX_NAMED_RELAYS && named.add(host))) {
            return host;
        }
        return OTHER_RELAYS;
    }
}
