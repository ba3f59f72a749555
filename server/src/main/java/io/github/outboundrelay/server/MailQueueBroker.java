package io.github.outboundrelay.server;

import javax.jms.ConnectionFactory;

/**
 * The ActiveMQ broker every MailQueue of ./run lives on: the embedded one ({@link EmbeddedActiveMQBroker}, the
 * default) or a standalone one shared by several nodes ({@link SharedActiveMQBroker}).
 */
interface MailQueueBroker {
    ConnectionFactory connectionFactory();

    /**
     * Whether mail contents travel as ActiveMQ blob messages (a file under this node's var directory, the message
     * pointing at it): only with the embedded broker, since another node could not read this node's files.
     */
    boolean contentInLocalFiles();
}
