package io.github.outboundrelay.mailets.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheFactory;

/**
 * The text of the mails users get (the code mail, the credentials-refused and reconnect notices, the delay warning),
 * from the Mustache templates under {@code templates/outbound-relay/mail/}, each compiled once by the class that
 * sends it. These mails are plain text, not HTML: {@code {{x}}} writes the value as it is (Mustache's default would
 * HTML-escape it). Values reach the body only: subjects are set through javax.mail, on one line ({@code Printable.oneLine}).
 */
public final class MailTemplates {
    private static final String FOLDER = "/templates/outbound-relay/mail/";
    private static final MustacheFactory PLAIN_TEXT = new DefaultMustacheFactory(MailTemplates::reader) {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException("Failed to write a value of a mail", e);
            }
        }
    };

    private MailTemplates() {
    }

    /** @param name a template under {@code templates/outbound-relay/mail/}, e.g. {@code verification-code.mustache} */
    public static Mustache compile(String name) {
        return PLAIN_TEXT.compile(name);
    }

    public static String render(Mustache template, Object mail) {
        StringWriter text = new StringWriter();
        template.execute(text, mail);
        return text.toString();
    }

    /** Through this class's loader, not the thread's: in James the extension jar has a class loader of its own. */
    private static Reader reader(String name) {
        InputStream template = MailTemplates.class.getResourceAsStream(FOLDER + name);
        return template == null ? null : new InputStreamReader(template, StandardCharsets.UTF_8);
    }
}
