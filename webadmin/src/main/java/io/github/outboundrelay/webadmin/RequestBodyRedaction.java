package io.github.outboundrelay.webadmin;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * James 3.8.1's WebAdmin logs every request at INFO ({@code LoggingRequestFilter}, "WebAdmin request received") with
 * the raw request body in the MDC field {@code request-body}: any layout with {@code %X} or a JSON encoder would write
 * relay passwords, confirmation codes and James's own user passwords. This logback filter runs before that line is
 * built and replaces, in that field, the value of every JSON member whose name says it is a secret with
 * {@code "***"}; a body that is not JSON is replaced as a whole. james-conf's logback.xml also turns that logger off
 * (its line only repeats what the response line says, plus the body); this filter covers a logback configuration
 * that enables it, or the root logger at INFO.
 *
 * <p>Installed in the running logback context when WebAdmin defines our routes, and again after any reconfiguration
 * (logback drops turbo filters when it resets).</p>
 */
final class RequestBodyRedaction extends TurboFilter {
    static final String REQUEST_LOGGER = "org.apache.james.webadmin.mdc.LoggingRequestFilter";
    static final String REQUEST_BODY = "request-body";
    private static final Set<String> SECRET_WORDS = Set.of("password", "passwd", "secret", "token", "code", "key");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Adds the filter to logback, once, if logback is the SLF4J binding. */
    static void install() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        synchronized (RequestBodyRedaction.class) {
            if (context.getTurboFilterList().stream().anyMatch(RequestBodyRedaction.class::isInstance)) {
                return;
            }
            addTo(context);
            context.addListener(new ReinstallOnReset());
        }
    }

    private static void addTo(LoggerContext context) {
        RequestBodyRedaction filter = new RequestBodyRedaction();
        filter.setName("outbound-relay-request-body-redaction");
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger != null && REQUEST_LOGGER.equals(logger.getName())) {
            String body = MDC.get(REQUEST_BODY);
            if (body != null && !body.isEmpty()) {
                MDC.put(REQUEST_BODY, redact(body));
            }
        }
        return FilterReply.NEUTRAL;
    }

    static String redact(String body) {
        try {
            JsonNode json = MAPPER.readTree(body);
            if (json == null) {
                return "";
            }
            redactIn(json);
            return MAPPER.writeValueAsString(json);
        } catch (Exception e) {
            return "(" + body.length() + " characters, not JSON: not logged)";
        }
    }

    private static void redactIn(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (isSecret(field.getKey())) {
                    field.setValue(object.textNode("***"));
                } else {
                    redactIn(field.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(RequestBodyRedaction::redactIn);
        }
    }

    private static boolean isSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }

    /** Logback drops turbo filters when it is reconfigured: add ours back. */
    private static final class ReinstallOnReset implements LoggerContextListener {
        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onStart(LoggerContext context) {
        }

        @Override
        public void onReset(LoggerContext context) {
            addTo(context);
        }

        @Override
        public void onStop(LoggerContext context) {
        }

        @Override
        public void onLevelChange(Logger logger, Level level) {
        }
    }
}
