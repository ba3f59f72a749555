package io.github.outboundrelay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * One SMTP transaction on a peer: applies the scripted refusals and records the accepted message.
 */
final class RecordingHandler implements MessageHandler {
    private final MessageContext context;
    private final PeerBehaviour behaviour;
    private final Consumer<ReceivedMail> sink;
    private String sender;
    private final List<String> recipients = new ArrayList<>();

    RecordingHandler(MessageContext context, PeerBehaviour behaviour, Consumer<ReceivedMail> sink) {
        this.context = context;
        this.behaviour = behaviour;
        this.sink = sink;
    }

    @Override
    public void from(String from) throws RejectException {
        if (behaviour.transactionsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new RejectException(behaviour.transactionFailure.code(), behaviour.transactionFailure.text());
        }
        this.sender = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        PeerBehaviour.Reply refusal = behaviour.refusedRecipients.get(recipient.toLowerCase(Locale.ROOT));
        if (refusal != null) {
            throw new RejectException(refusal.code(), refusal.text());
        }
        recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws IOException {
        byte[] raw = data.readAllBytes();
        String user = context.getAuthenticationHandler().map(handler -> String.valueOf(handler.getIdentity())).orElse(null);
        boolean tls = context instanceof Session session && session.isTLSStarted();
        String connectionId = context instanceof Session session ? session.getSessionId() : "";
        sink.accept(new ReceivedMail(sender == null ? "" : sender, List.copyOf(recipients), raw, user, tls, connectionId));
        return null;
    }

    @Override
    public void done() {
    }
}
