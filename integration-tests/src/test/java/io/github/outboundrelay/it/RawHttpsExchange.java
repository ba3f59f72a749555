package io.github.outboundrelay.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 request written byte by byte over TLS, for what {@link SelfServiceClient}'s client will not send: a
 * {@code Content-Length} larger than the bytes that follow, a chunked body that never ends. The answer is read as soon
 * as it comes, so a server that waits for the rest of the body makes the exchange time out.
 */
final class RawHttpsExchange {
    private RawHttpsExchange() {
    }

    /** The answer's status code and text, or an {@link IOException} when none comes within {@code wait}. */
    record Answer(int status, String text) {
    }

    static Answer exchange(int port, String head, byte[] body, Duration wait) throws IOException {
        try (SSLSocket socket = (SSLSocket) SelfServiceClient.trustingEveryCertificate().getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) wait.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /** {@code count} chunks of {@code size} bytes each, without the last (empty) chunk: the body is never over. */
    static byte[] unfinishedChunks(int count, int size, char filler) {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        byte[] data = String.valueOf(filler).repeat(size).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            chunks.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunks.writeBytes(data);
            chunks.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return chunks.toByteArray();
    }

    /** A whole chunked body: {@code text} in one chunk, then the last chunk. */
    static byte[] chunked(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        chunks.writeBytes((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        chunks.writeBytes(data);
        chunks.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return chunks.toByteArray();
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int headEnd = -1;
        while (headEnd < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("The connection ended before an answer: " + received.toString(StandardCharsets.UTF_8));
            }
            received.write(b);
            headEnd = received.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        }
        String head = received.toString(StandardCharsets.ISO_8859_1);
        String lower = head.toLowerCase(Locale.ROOT);
        byte[] body;
        if (lower.contains("\r\ntransfer-encoding: chunked")) {
            body = readChunks(in);
        } else if (lower.contains("\r\ncontent-length:")) {
            int length = 0;
            for (String line : lower.split("\r\n")) {
                if (line.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            body = in.readNBytes(length);
        } else {
            body = in.readAllBytes(); // Connection: close, the body ends with the connection
        }
        return new Answer(Integer.parseInt(head.split(" ", 3)[1]), head + new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] readChunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line(in).split(";", 2)[0].trim(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
