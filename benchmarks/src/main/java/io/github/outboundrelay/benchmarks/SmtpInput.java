package io.github.outboundrelay.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a {@link BenchSink} connection reads, through one 64 KiB buffer: command lines, and DATA in whole blocks (as
 * many bytes as one read returns, a TLS record's worth), where subethasmtp read DATA byte by byte through a
 * synchronized stream.
 */
final class SmtpInput {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    SmtpInput(InputStream in) {
        this.in = in;
    }

    /** The next line, without its CRLF. */
    String readLine() throws IOException {
        int scanned = position;
        while (true) {
            for (; scanned < limit; scanned++) {
                if (buffer[scanned] == '\n') {
                    int end = scanned > position && buffer[scanned - 1] == '\r' ? scanned - 1 : scanned;
                    String line = new String(buffer, position, end - position, StandardCharsets.US_ASCII);
                    position = scanned + 1;
                    return line;
                }
            }
            scanned -= position;
            fill();
        }
    }

    /** Reads a message up to and including its terminating CRLF.CRLF, keeping only what {@code message} keeps. */
    void readData(DataScanner message) throws IOException {
        int end = -1;
        while (end < 0) {
            if (position == limit) {
                fill();
            }
            end = message.scan(buffer, position, limit);
            position = end < 0 ? limit : end;
        }
    }

    /** Moves the unread bytes to the front of the buffer and reads more after them. */
    private void fill() throws IOException {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        if (limit == buffer.length) {
            throw new IOException("line longer than " + buffer.length + " bytes");
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
            throw new EOFException("connection closed");
        }
        limit += read;
    }
}
