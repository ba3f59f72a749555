package io.github.outboundrelay.server.jmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import org.apache.james.core.Username;
import org.apache.james.rrt.lib.CanSendFromImpl;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class SendAsCanSendFromTest {
    /**
     * The From a JMAP client submits is the client's to write; James takes a quoted local part holding an escaped line
     * break. When the extension cannot be asked, the refusal is logged with it on one line.
     */
    @Test
    void aSubmittedFromWithALineBreakIsRefusedAndLoggedOnOneLine() {
        SendAsCanSendFrom canSendFrom = new SendAsCanSendFrom(mock(CanSendFromImpl.class), new OutboundRelayExtension(() -> {
            throw new IllegalStateException("no extension loaded");
        }));
        Logger logger = (Logger) LoggerFactory.getLogger(SendAsCanSendFrom.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            Username forged = Username.of("\"alice\\\r\\\n2024-01-01 00:00:00 [INFO ] forged\"@partner.test");

            assertThat(canSendFrom.userCanSendFrom(Username.of("alice@ourdomain.test"), forged)).isFalse();

            assertThat(logged.list).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                .satisfies(line -> assertThat(line).contains("forged").doesNotContain("\r", "\n"));
        } finally {
            logger.detachAppender(logged);
        }
    }
}
