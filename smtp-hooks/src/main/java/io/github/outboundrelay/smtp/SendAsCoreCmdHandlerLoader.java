package io.github.outboundrelay.smtp;

import java.util.List;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;

/**
 * James's {@link CoreCmdHandlerLoader} with one handler swapped: the stock sender identity hook becomes
 * {@link SendAsSenderIdentityHook}. The list is read from James at run time rather than copied, so a James upgrade
 * keeps its own handlers.
 * <p>
 * It must be named as the core handlers package of the submission listener:
 * {@code <handlerchain coreHandlersPackage="io.github.outboundrelay.smtp.SendAsCoreCmdHandlerLoader">}. James
 * expands only the package named by that attribute (CoreCmdHandlerLoader when absent); a package listed as a plain
 * {@code <handler class=".."/>} is instantiated but never expanded, so the stock hook would stay in the chain.
 */
public class SendAsCoreCmdHandlerLoader implements HandlersPackage {
    static final String STOCK_HOOK = SenderAuthIdentifyVerificationHook.class.getName();
    static final String SEND_AS_HOOK = SendAsSenderIdentityHook.class.getName();

    private final List<String> handlers;

    public SendAsCoreCmdHandlerLoader() {
        this.handlers = replacingStockHook(new CoreCmdHandlerLoader().getHandlers());
    }

    @Override
    public List<String> getHandlers() {
        return handlers;
    }

    /** {@code stock} with the stock identity hook replaced in place; every other handler, and the order, kept. */
    static List<String> replacingStockHook(List<String> stock) {
        if (!stock.contains(STOCK_HOOK)) {
            // Fail at start-up: silently running without any sender identity check would be far worse.
            throw new IllegalStateException("This James no longer loads " + STOCK_HOOK
                + " from CoreCmdHandlerLoader: " + SEND_AS_HOOK + " cannot replace it; review the outbound-relay "
                + "SMTP hook against this James version");
        }
        return stock.stream()
            .map(handler -> handler.equals(STOCK_HOOK) ? SEND_AS_HOOK : handler)
            .toList();
    }
}
