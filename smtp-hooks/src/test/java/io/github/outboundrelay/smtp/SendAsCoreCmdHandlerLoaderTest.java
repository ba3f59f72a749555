package io.github.outboundrelay.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;
import org.junit.jupiter.api.Test;

class SendAsCoreCmdHandlerLoaderTest {
    static final String STOCK_HOOK = SenderAuthIdentifyVerificationHook.class.getName();
    static final String SEND_AS_HOOK = SendAsSenderIdentityHook.class.getName();

    @Test
    void replacesTheStockHookByTheSendAsHook() {
        assertThat(new SendAsCoreCmdHandlerLoader().getHandlers())
            .containsOnlyOnce(SEND_AS_HOOK)
            .doesNotContain(STOCK_HOOK);
    }

    @Test
    void keepsEveryOtherStockHandlerInItsPlace() {
        List<String> stock = new CoreCmdHandlerLoader().getHandlers();
        List<String> ours = new SendAsCoreCmdHandlerLoader().getHandlers();
        int hookIndex = stock.indexOf(STOCK_HOOK);

        assertThat(ours).hasSameSizeAs(stock);
        assertThat(ours.get(hookIndex)).isEqualTo(SEND_AS_HOOK);
        for (int i = 0; i < stock.size(); i++) {
            if (i != hookIndex) {
                assertThat(ours.get(i)).as("handler %d", i).isEqualTo(stock.get(i));
            }
        }
    }

    @Test
    void everyHandlerItNamesIsLoadable() {
        assertThat(new SendAsCoreCmdHandlerLoader().getHandlers())
            .allSatisfy(name -> assertThat(Class.forName(name)).isNotNull());
    }

    @Test
    void failsLoudlyWhenJamesNoLongerHasTheStockHook() {
        assertThatThrownBy(() -> SendAsCoreCmdHandlerLoader.replacingStockHook(List.of("a.Handler", "b.Hook")))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(STOCK_HOOK);
    }

    @Test
    void replacesInPlaceInAnyList() {
        assertThat(SendAsCoreCmdHandlerLoader.replacingStockHook(List.of("a.Handler", STOCK_HOOK, "b.Hook")))
            .containsExactly("a.Handler", SEND_AS_HOOK, "b.Hook");
    }
}
