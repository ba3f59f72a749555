package io.github.outboundrelay.server;

import javax.inject.Inject;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.GuiceProbe;

/** What the running server's injector binds for every MailQueueFactory key James 3.8.1 uses. */
public class MailQueueProbe implements GuiceProbe {
    final MailQueueFactory<?> anyQueueFactory;
    final MailQueueFactory<? extends MailQueue> queueFactory;
    final MailQueueFactory<? extends ManageableMailQueue> manageableQueueFactory;
    final JamesDirectoriesProvider directories;

    @Inject
    public MailQueueProbe(MailQueueFactory<?> anyQueueFactory, MailQueueFactory<? extends MailQueue> queueFactory,
                          MailQueueFactory<? extends ManageableMailQueue> manageableQueueFactory,
                          JamesDirectoriesProvider directories) {
        this.anyQueueFactory = anyQueueFactory;
        this.queueFactory = queueFactory;
        this.manageableQueueFactory = manageableQueueFactory;
        this.directories = directories;
    }
}
