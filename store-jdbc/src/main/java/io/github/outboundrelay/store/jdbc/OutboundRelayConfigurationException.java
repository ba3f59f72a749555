package io.github.outboundrelay.store.jdbc;

/**
 * A value of {@code outbound-relay.properties} is not acceptable; the message names the file and the key. Thrown
 * while James starts, so that a wrong configuration stops it instead of running on something else.
 */
public class OutboundRelayConfigurationException extends IllegalArgumentException {
    private final String key;

    public OutboundRelayConfigurationException(String key, String problem) {
        super(OutboundRelayStoreConfiguration.FILE_NAME + ".properties: '" + key + "' " + problem);
        this.key = key;
    }

    public String getKey() {
        return key;
    }
}
