package io.github.outboundrelay.testing;

import java.util.List;

import org.junit.jupiter.api.function.Executable;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** What a class's logger logged while a test's action ran, for tests of what reaches a log line. */
public final class LogCapture {
    private LogCapture() {
    }

    /**
     * The events {@code loggerOf}'s logger logged at {@code level} or above while {@code action} ran (the logger's level
     * set for the while, then restored).
     */
    public static List<ILoggingEvent> whileRunning(Class<?> loggerOf, Level level, Executable action) throws Throwable {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerOf);
        Level previous = logger.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.setLevel(level);
        logger.addAppender(logged);
        try {
            action.execute();
            return logged.list;
        } finally {
            logger.detachAppender(logged);
            logger.setLevel(previous);
        }
    }
}
