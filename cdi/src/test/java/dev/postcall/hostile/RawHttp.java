package dev.postcall.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte by byte on a {@link Socket}, for what {@link java.net.http.HttpClient} will not send: a lying
 * {@code Content-Length}, a body that stops, a chosen local address, broken chunking. Every request says
 * {@code Connection: close}, so a response ends where the stream ends.
 */
final class RawHttp {
    private final URI uri;
    private InetAddress local;

    private RawHttp(URI uri) {
        this.uri = uri;
    }

    static RawHttp to(URI uri) {
        return new RawHttp(uri);
    }

    /** Connects from this local address (any 127.x.y.z works on Linux loopback). */
    RawHttp from(String address) throws IOException {
        local = InetAddress.getByName(address);
        return this;
    }

    /** The request line and {@code Host}, then {@code headers} (each a whole {@code Name: value} line). */
    byte[] head(String method, List<String> headers) {
        StringBuilder head = new StringBuilder(method + " " + uri.getRawPath() + " HTTP/1.1\r\n");
        head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        head.append("Connection: close\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code bytes} and reads the response to the end of the stream. */
    Reply exchange(byte[] bytes) throws IOException {
        try (Socket socket = open()) {
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            } catch (SocketException e) {
                // the server may answer and close before reading everything (a header over its limit)
            }
            return read(socket.getInputStream());
        }
    }

    /** Sends {@code bytes}, then closes the connection at once (a reset), as a client that gave up mid-body. */
    void sendAndAbort(byte[] bytes) throws IOException {
        try (Socket socket = open()) {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.setSoLinger(true, 0);
        }
    }

    private Socket open() throws IOException {
        Socket socket = new Socket();
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(new InetSocketAddress(uri.getHost().replace("[", "").replace("]", ""), uri.getPort()), 10_000);
        socket.setSoTimeout(60_000);
        return socket;
    }

    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                all.write(chunk, 0, n);
            }
        } catch (SocketException e) {
            // a reset after the response: keep what arrived
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return Reply.NONE;
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = all.toByteArray();
        String bodyText = new String(body, end + 4, body.length - end - 4, StandardCharsets.UTF_8);
        return new Reply(status, headers, bodyText);
    }
}
