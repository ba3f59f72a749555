package io.github.outboundrelay.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;

/**
 * Everything James and the extension log at DEBUG during a test, to search it for secrets: every message, stack
 * trace and MDC value (what a {@code %X} pattern or a JSON encoder writes). Two loggers stay at INFO, as
 * james-conf/logback.xml pins them: Jetty's DEBUG output dumps raw HTTP request buffers (any admin API body, James's
 * own user passwords included), and the test's HTTP client logs what it sends.
 */
final class DebugLogCapture implements AutoCloseable {
    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private static final List<String> WIRE_LOGGERS = List.of("org.eclipse.jetty", "org.apache.http");
    /** Set at INFO by the tests' logback configuration (and by james-conf's): raised to DEBUG here. */
    private static final List<String> OUR_AND_JAMES_LOGGERS = List.of("io.github.outboundrelay", "org.apache.james");

    /** Keeps each event as it was when logged: MDC values live only while the line is written. */
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };
    private final List<String> leftOut;
    private final Map<String, Level> previousLevels = new HashMap<>();
    private final Level previousRootLevel;

    private DebugLogCapture(List<String> leftOut) {
        this.leftOut = leftOut;
        previousRootLevel = ROOT.getLevel();
        ROOT.setLevel(Level.DEBUG);
        WIRE_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.INFO));
        OUR_AND_JAMES_LOGGERS.forEach(name -> {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            previousLevels.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        });
        captured.start();
        ROOT.addAppender(captured);
    }

    static DebugLogCapture start() {
        return new DebugLogCapture(List.of());
    }

    /**
     * @param leftOut prefixes of loggers that are not James's: the partner's side running in the test's JVM (its
     *                authorization server logs the token requests it receives, as a real provider does in its own logs)
     */
    static DebugLogCapture startLeavingOut(List<String> leftOut) {
        return new DebugLogCapture(leftOut);
    }

    /** Every message and stack trace captured so far. */
    String text() {
        synchronized (captured) {
            return captured.list.stream()
                .filter(this::isKept)
                .map(event -> event.getFormattedMessage() + "\n"
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
        }
    }

    /** The MDC of every event captured so far. */
    List<Map<String, String>> mdcs() {
        synchronized (captured) {
            return captured.list.stream().filter(this::isKept).map(ILoggingEvent::getMDCPropertyMap).toList();
        }
    }

    private boolean isKept(ILoggingEvent event) {
        return leftOut.stream().noneMatch(event.getLoggerName()::startsWith);
    }

    @Override
    public void close() {
        ROOT.detachAppender(captured);
        ROOT.setLevel(previousRootLevel);
        WIRE_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(null));
        OUR_AND_JAMES_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(previousLevels.get(name)));
    }
}
