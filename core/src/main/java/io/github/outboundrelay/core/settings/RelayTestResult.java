package io.github.outboundrelay.core.settings;

/** The answer of a passed relay test: {@code result} is {@code "ok"} (a failure is a RELAY_CHECK_FAILED error). */
public record RelayTestResult(String address, String relayHost, String result) {
}
