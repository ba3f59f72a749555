package io.github.outboundrelay.selfservice;

/** Text into HTML: every value a user, a relay or the store supplied goes through {@link #escape}. */
final class Html {
    private Html() {
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** The whole page around {@code main}: no script, one style sheet. */
    static String page(String title, String header, String main) {
        return page(title, "", header, main);
    }

    /** @param head more of the head, e.g. a {@code <meta http-equiv="refresh">} (already escaped) */
    static String page(String title, String head, String header, String main) {
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>%s</title>
            <link rel="stylesheet" href="/style.css">
            %s</head>
            <body>
            <header>%s</header>
            <main>
            %s
            </main>
            </body>
            </html>
            """.formatted(escape(title), head, header, main);
    }
}
