package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.james.utils.GuiceProbe;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.collect.ImmutableList;
import com.google.inject.multibindings.Multibinder;

import reactor.core.publisher.Flux;

import io.github.outboundrelay.testing.JamesConfCopy;

/**
 * The runnable server (OutboundRelayServerMain's modules, james-conf) in this JVM: which MailQueue James really gets,
 * and what of a queued mail is left after the server is stopped and started again on the same directory.
 */
class PersistentMailQueueModuleTest {
    private static final MailQueueName QUEUE = MailQueueName.of("durability-test");
    private static final Duration DELAY = Duration.ofSeconds(6);

    @TempDir
    Path workingDirectory;

    private GuiceJamesServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void everyMailQueueFactoryKeyGetsThePersistentFactory() throws Exception {
        start();
        MailQueueProbe probe = server.getProbe(MailQueueProbe.class);

        assertThat(probe.anyQueueFactory).isInstanceOf(PersistentMailQueueFactory.class);
        assertThat(probe.queueFactory).isSameAs(probe.anyQueueFactory);
        assertThat(probe.manageableQueueFactory).isSameAs(probe.anyQueueFactory);
        // The queues the running mail container created: the spooler's, RemoteDelivery's and OutboundRelayDelivery's.
        assertThat(probe.anyQueueFactory.listCreatedMailQueues()).extracting(MailQueueName::asString)
            .contains("spool", "outgoing", "outbound-relay");
        assertThat(probe.anyQueueFactory.getQueue(MailQueueName.of("outbound-relay")))
            .get().isInstanceOf(ActiveMQCacheableMailQueue.class);
        assertThat(workingDirectory.resolve("var/store/activemq/brokers/KahaDB")).isDirectory();
        assertThat(Path.of(probe.directories.getVarDirectory(), "store/activemq").normalize())
            .isEqualTo(workingDirectory.resolve("var/store/activemq").normalize());
    }

    @Test
    void queuedMailIsTheSameMailAfterARestart() throws Exception {
        start();
        MailQueue queue = queueFactory().createQueue(QUEUE);
        Mail mail = mail("mail-now", "A body that must survive. " + "0123456789".repeat(20_000));
        Snapshot sent = Snapshot.of(mail);
        queue.enQueue(mail);
        Instant delayedEnqueuedAt = Instant.now();
        Mail later = mail("mail-later", "Deferred body");
        queue.enQueue(later, DELAY);
        LifecycleUtil.dispose(mail);
        LifecycleUtil.dispose(later);
        // Contents are blob files under var/, one per queued mail, written before the enqueue returned.
        assertThat(blobFiles()).hasSize(2);

        restart();

        ManageableMailQueue again = queueFactory().createQueue(QUEUE);
        assertThat(again.getSize()).isEqualTo(2);
        ManageableMailQueue.MailQueueIterator iterator = again.browse();
        List<ManageableMailQueue.MailQueueItemView> browsed = ImmutableList.copyOf(iterator);
        iterator.close();
        assertThat(browsed).extracting(view -> view.getMail().getName()).containsExactly("mail-now", "mail-later");
        // The delay was stored with the mail: its due time is the one computed before the restart.
        assertThat(browsed.get(1).getNextDelivery()).hasValueSatisfying(due ->
            assertThat(Duration.between(delayedEnqueuedAt.plus(DELAY), due.toInstant()).abs()).isLessThan(Duration.ofSeconds(1)));

        List<Arrival> arrivals = Flux.from(again.deQueue())
            .take(2)
            .map(item -> {
                Arrival arrival = new Arrival(Snapshot.of(item.getMail()), Instant.now());
                done(item);
                LifecycleUtil.dispose(item.getMail());
                return arrival;
            })
            .collectList()
            .block(Duration.ofSeconds(30));

        assertThat(arrivals).hasSize(2);
        assertThat(arrivals.get(0).mail()).isEqualTo(sent);
        assertThat(arrivals.get(1).mail().name()).isEqualTo("mail-later");
        assertThat(arrivals.get(1).at()).as("the delayed mail is not handed out before its time")
            .isAfterOrEqualTo(delayedEnqueuedAt.plus(DELAY));
        // Acknowledged mail leaves nothing behind.
        assertThat(again.getSize()).isZero();
        assertThat(blobFiles()).isEmpty();
    }

    private void start() {
        if (!Files.exists(workingDirectory.resolve("conf"))) {
            // The queue is what is under test: no listeners, so that stop and start take a second.
            JamesConfCopy.shipped()
                .edit("smtpserver.xml", "<smtpserver enabled=\"true\">", "<smtpserver enabled=\"false\">")
                .edit("imapserver.xml", "<imapserver enabled=\"true\">", "<imapserver enabled=\"false\">")
                .edit("webadmin.properties", "enabled=true", "enabled=false")
                .writeInto(workingDirectory);
        }
        server = OutboundRelayServerMain.createServer(MemoryJamesConfiguration.builder()
                .workingDirectory(workingDirectory.toFile())
                .build())
            .combineWith(binder -> Multibinder.newSetBinder(binder, GuiceProbe.class).addBinding().to(MailQueueProbe.class));
        try {
            server.start();
        } catch (Exception e) {
            throw new AssertionError("James did not start", e);
        }
    }

    private void restart() {
        server.stop();
        server = null;
        start();
    }

    @SuppressWarnings("unchecked")
    private MailQueueFactory<ManageableMailQueue> queueFactory() {
        return (MailQueueFactory<ManageableMailQueue>) server.getProbe(MailQueueProbe.class).manageableQueueFactory;
    }

    private List<Path> blobFiles() throws IOException {
        Path blobs = workingDirectory.resolve("var/store/activemq/blob-transfer");
        if (!Files.exists(blobs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static void done(MailQueue.MailQueueItem item) {
        try {
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (MailQueue.MailQueueException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Mail mail(String name, String body) throws MessagingException {
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder()
            .addFrom("alice@partner.test")
            .addToRecipient("carol@elsewhere.test")
            .setSubject("Durable " + name)
            .setText(body)
            .build();
        message.saveChanges();
        return MailImpl.builder()
            .name(name)
            .sender("alice@partner.test")
            .addRecipients("carol@elsewhere.test", "dave@elsewhere.test")
            .mimeMessage(message)
            .addAttribute(new Attribute(AttributeName.of("outbound-relay.owner"), AttributeValue.of("alice@ourdomain.test")))
            .addAttribute(new Attribute(AttributeName.of("outbound-relay.failed-attempts"), AttributeValue.of(3)))
            .addAttribute(new Attribute(AttributeName.of("outbound-relay.first-queued-at"), AttributeValue.of(1_700_000_000_123L)))
            .addAttribute(new Attribute(AttributeName.of("test.flag"), AttributeValue.of(true)))
            .addAttribute(new Attribute(AttributeName.of("test.list"),
                AttributeValue.of(List.of(AttributeValue.of("a"), AttributeValue.of("b")))))
            .build();
    }

    private record Arrival(Snapshot mail, Instant at) {
    }

    /** What a mail is made of, read out before its queue item is acknowledged (which deletes its blob file). */
    private record Snapshot(String name, MaybeSender sender, List<MailAddress> recipients, Map<AttributeName, AttributeValue<?>> attributes,
                            String state, String content) {
        static Snapshot of(Mail mail) {
            try {
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                mail.getMessage().writeTo(content);
                return new Snapshot(mail.getName(), mail.getMaybeSender(), List.copyOf(mail.getRecipients()),
                    mail.attributes()
                        .filter(attribute -> !attribute.getName().asString().startsWith("JAMES_"))
                        .collect(Collectors.toMap(Attribute::getName, Attribute::getValue)),
                    mail.getState(), content.toString(java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException | MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
