package io.github.outboundrelay.core.net;

import java.util.Arrays;
import java.util.List;

import io.github.outboundrelay.core.InvalidFieldException;

/** Ports written {@code 587} or {@code 1024-65535}; a list of them is written comma-separated. */
public record PortRange(int from, int to) {
    public PortRange {
        if (from < 1 || to > 65535 || from > to) {
            throw new IllegalArgumentException("a port range lies within 1..65535, lowest first");
        }
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    /**
     * @param field the parameter the text comes from, named in the error
     */
    public static List<PortRange> parseList(String field, String text) {
        try {
            List<PortRange> ranges = Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(part -> !part.isEmpty())
                .map(PortRange::parse)
                .toList();
            if (ranges.isEmpty()) {
                throw new IllegalArgumentException("no port");
            }
            return ranges;
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(field, "must be ports or ranges between 1 and 65535, comma-separated "
                + "(such as 25,465,587 or 1024-65535): '" + text + "'");
        }
    }

    private static PortRange parse(String part) {
        int dash = part.indexOf('-');
        if (dash < 0) {
            int port = Integer.parseInt(part);
            return new PortRange(port, port);
        }
        return new PortRange(Integer.parseInt(part.substring(0, dash).trim()), Integer.parseInt(part.substring(dash + 1).trim()));
    }

    @Override
    public String toString() {
        return from == to ? String.valueOf(from) : from + "-" + to;
    }
}
