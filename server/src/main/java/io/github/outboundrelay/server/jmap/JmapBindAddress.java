package io.github.outboundrelay.server.jmap;

import java.io.FileNotFoundException;

import javax.inject.Inject;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

/**
 * The address JMAP listens on: {@code outbound-relay.jmap.bind} in {@code jmap.properties} (a key of ours, which
 * James's own JMAP configuration ignores), {@code 127.0.0.1} when absent.
 */
public record JmapBindAddress(String value) {
    static final String KEY = "outbound-relay.jmap.bind";

    @Inject
    public JmapBindAddress(PropertiesProvider properties) throws ConfigurationException {
        this(read(properties));
    }

    private static String read(PropertiesProvider properties) throws ConfigurationException {
        try {
            String value = properties.getConfiguration("jmap").getString(KEY, "127.0.0.1").trim();
            if (value.isEmpty()) {
                throw new IllegalArgumentException("'" + KEY + "' in jmap.properties must not be empty");
            }
            return value;
        } catch (FileNotFoundException e) {
            return "127.0.0.1";
        }
    }
}
