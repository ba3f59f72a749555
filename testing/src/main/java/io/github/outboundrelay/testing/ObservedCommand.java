package io.github.outboundrelay.testing;

import java.io.IOException;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

/**
 * Wraps one of subethasmtp's own SMTP commands (it has no public hook per command) so that a peer can count it or
 * script a dropped connection around it, while the command itself still runs unchanged.
 */
final class ObservedCommand implements Command {
    interface Observer {
        /** @return false to drop the connection instead of running the command */
        boolean before(Session session);

        void after(Session session);
    }

    private final Command delegate;
    private final Observer observer;

    ObservedCommand(Command delegate, Observer observer) {
        this.delegate = delegate;
        this.observer = observer;
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        if (!observer.before(session)) {
            // Silently, as a server that crashed or timed the connection out: the client reads end of stream.
            session.closeSocket();
            session.quit();
            return;
        }
        delegate.execute(commandString, session);
        observer.after(session);
    }

    @Override
    public HelpMessage getHelp() throws CommandException {
        return delegate.getHelp();
    }

    @Override
    public String getName() {
        return delegate.getName();
    }
}
