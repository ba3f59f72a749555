package io.github.outboundrelay.smtp;

import java.util.List;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;

/**
 * James's {@link CoreCmdHandlerLoader} with one handler swapped: the stock sender identity hook becomes
 * {@link SendAsSenderIdentityHook}. The list is read from James at run time rather than copied, so a James upgrade
 * keeps its own handlers. Use it in {@code smtpserver.xml} in place of {@code CoreCmdHandlerLoader}.
 */
public class SendAsCoreCmdHandlerLoader implements HandlersPackage {
    private static final String STOCK_HOOK = SenderAuthIdentifyVerificationHook.class.getName();

    private final List<String> handlers;

    public SendAsCoreCmdHandlerLoader() {
        List<String> stock = new CoreCmdHandlerLoader().getHandlers();
        if (!stock.contains(STOCK_HOOK)) {
            throw new IllegalStateException("This James no longer loads " + STOCK_HOOK
                + " from CoreCmdHandlerLoader: the send-as hook cannot replace it");
        }
        this.handlers = stock.stream()
            .map(handler -> handler.equals(STOCK_HOOK) ? SendAsSenderIdentityHook.class.getName() : handler)
            .toList();
    }

    @Override
    public List<String> getHandlers() {
        return handlers;
    }
}
